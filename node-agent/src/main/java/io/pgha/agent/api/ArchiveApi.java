package io.pgha.agent.api;

import io.pgha.agent.NodeAgent;
import io.pgha.agent.config.AgentConfig;
import io.pgha.agent.wal.ArchivePusher;
import io.pgha.agent.wal.WalService;
import io.pgha.core.EtcdLayout;
import io.pgha.repository.wal.WalName;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * The WAL endpoints PostgreSQL's archive_command and restore_command call with curl on loopback,
 * with the archive token ({@code Authorization: Bearer}, from the header file the agent writes):
 * {@code POST /wal/archive/{name}} pushes {@code pg_wal/{name}} (200 archived or already archived
 * with the same content, 409 different content archived under that name, 503 repository failing:
 * PostgreSQL retries); {@code GET /wal/restore/{name}[?cluster=<source>]} answers the file (404 when
 * the archive has none). Names must be WAL file names ({@link WalName}): 400 otherwise.
 */
@ApplicationScoped
public class ArchiveApi {
    private static final Logger LOG = Logger.getLogger(ArchiveApi.class);

    @Inject
    NodeAgent agent;

    @Inject
    AgentConfig config;

    void routes(@Observes Router router) {
        router.route("/wal/archive/:name").method(HttpMethod.POST).order(-100).blockingHandler(this::archive, false);
        router.route("/wal/restore/:name").method(HttpMethod.GET).order(-100).blockingHandler(this::restore, false);
    }

    private void archive(RoutingContext ctx) {
        mdc();
        Optional<WalService> wal = admitted(ctx);
        if (wal.isEmpty()) {
            return;
        }
        Optional<WalName> name = walName(ctx);
        if (name.isEmpty()) {
            return;
        }
        ArchivePusher.Outcome outcome = wal.get().pusher().archive(name.get());
        answer(ctx, outcome.result().httpStatus, outcome.message());
    }

    private void restore(RoutingContext ctx) {
        mdc();
        Optional<WalService> wal = admitted(ctx);
        if (wal.isEmpty()) {
            return;
        }
        Optional<WalName> name = walName(ctx);
        if (name.isEmpty()) {
            return;
        }
        String cluster = ctx.queryParams().get("cluster");
        if (cluster == null) {
            cluster = wal.get().cluster();
        } else {
            try {
                EtcdLayout.requireName("cluster", cluster);
            } catch (IllegalArgumentException e) {
                answer(ctx, 400, e.getMessage());
                return;
            }
            if (!wal.get().readable(cluster)) {
                answer(
                        ctx,
                        400,
                        "this agent restores WAL of its own cluster or of the cluster a restore under way reads"
                                + " from, not of '" + cluster + "'");
                return;
            }
        }
        Optional<Path> file;
        try {
            file = wal.get().fetcher().fetch(cluster, name.get());
        } catch (IOException | RuntimeException e) {
            LOG.warnf("cannot fetch %s of %s from the repository: %s", name.get(), cluster, e.getMessage());
            answer(ctx, 503, "cannot read " + name.get() + " from the repository: " + e.getMessage());
            return;
        }
        if (file.isEmpty()) {
            answer(ctx, 404, name.get() + " is not in the WAL archive of " + cluster);
            return;
        }
        Path served = file.get();
        ctx.response()
                .putHeader("Content-Type", "application/octet-stream")
                .sendFile(served.toString())
                .onComplete(done -> wal.get().fetcher().served(served));
    }

    /** The WAL service when the request carries the archive token; otherwise answered (503, 401) and empty. */
    private Optional<WalService> admitted(RoutingContext ctx) {
        Optional<WalService> wal = agent.wal();
        if (wal.isEmpty()) {
            answer(ctx, 503, "this agent has no backup repository (pgha.repository.type=none): it archives no WAL");
            return Optional.empty();
        }
        if (!wal.get().token().accepts(ctx.request().getHeader("Authorization"))) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"pgha-wal\"");
            answer(
                    ctx,
                    401,
                    "the archive token is required ('Authorization: Bearer <token>', from the header file"
                            + " the agent writes for PostgreSQL's archive_command)");
            return Optional.empty();
        }
        return wal;
    }

    private static Optional<WalName> walName(RoutingContext ctx) {
        try {
            return Optional.of(WalName.parse(ctx.pathParam("name")));
        } catch (IllegalArgumentException e) {
            answer(ctx, 400, e.getMessage());
            return Optional.empty();
        }
    }

    private static void answer(RoutingContext ctx, int status, String text) {
        if (!ctx.response().ended()) {
            ctx.response()
                    .setStatusCode(status)
                    .putHeader("Content-Type", "text/plain; charset=utf-8")
                    .end(text + "\n");
        }
    }

    private void mdc() {
        MDC.put("cluster", config.cluster());
        MDC.put("member", config.name());
    }
}
