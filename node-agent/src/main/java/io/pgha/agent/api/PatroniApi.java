package io.pgha.agent.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.pgha.agent.NodeAgent;
import io.pgha.agent.config.AgentConfig;
import io.pgha.core.Json;
import io.pgha.core.SecretSetting;
import io.pgha.core.store.ClusterSnapshot;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Patroni's REST API on the agent's HTTP port: health checks (GET/HEAD/OPTIONS), {@code GET /patroni},
 * the POST actions behind a bearer token, and Prometheus metrics at {@code /metrics}: Patroni's
 * metric names first, then the agent's Micrometer metrics.
 */
@ApplicationScoped
public class PatroniApi {
    private static final Logger LOG = Logger.getLogger(PatroniApi.class);

    @Inject
    NodeAgent agent;

    @Inject
    AgentConfig config;

    @Inject
    MeterRegistry registry;

    void routes(@Observes Router router) {
        for (String path : HealthChecks.PATHS) {
            router.route(path)
                    .method(HttpMethod.GET)
                    .method(HttpMethod.HEAD)
                    .method(HttpMethod.OPTIONS)
                    .order(-100)
                    .handler(ctx -> check(path, ctx));
        }
        router.route("/cluster").method(HttpMethod.GET).order(-100).handler(ctx -> fromEtcd(ctx, "/cluster"));
        router.route("/history").method(HttpMethod.GET).order(-100).handler(ctx -> fromEtcd(ctx, "/history"));
        router.route("/config").method(HttpMethod.GET).order(-100).handler(ctx -> fromEtcd(ctx, "/config"));
        action(router, HttpMethod.POST, "/restart", agent::restart);
        action(router, HttpMethod.DELETE, "/restart", body -> agent.cancelScheduledRestart());
        action(router, HttpMethod.POST, "/reload", agent::reload);
        action(router, HttpMethod.POST, "/reinitialize", agent::reinitialize);
        action(router, HttpMethod.POST, "/failsafe", agent::failsafe);
        router.route("/metrics").method(HttpMethod.GET).order(-100).handler(this::metrics);
        // after every other route: an unknown path is answered with a reason, not an empty 404
        router.route()
                .order(Integer.MAX_VALUE - 1)
                .handler(ctx -> refuse(
                        ctx,
                        404,
                        "no endpoint "
                                + ctx.request().method() + " "
                                + shown(ctx.request().path())
                                + ": the agent serves Patroni's health checks (GET /primary, /replica, /health, ...), GET /patroni,"
                                + " GET /cluster, /history, /config,"
                                + " GET /metrics, POST /restart, /reload, /reinitialize, /failsafe, DELETE /restart, and (for PostgreSQL's"
                                + " archive and restore commands) POST /wal/archive/{name}, GET /wal/restore/{name}"));
    }

    private void check(String path, RoutingContext ctx) {
        mdc();
        Map<String, List<String>> query = new LinkedHashMap<>();
        ctx.queryParams()
                .names()
                .forEach(name -> query.put(name, ctx.queryParams().getAll(name)));
        AgentView view = agent.view();
        if (view == null) {
            ctx.response().setStatusCode(503).end();
            return;
        }
        HealthChecks.Result result = HealthChecks.evaluate(path, query, view);
        ctx.response().setStatusCode(result.status());
        if (result.status() == 400) {
            ctx.response()
                    .putHeader("Content-Type", "text/plain; charset=utf-8")
                    .end(result.reason() + "\n");
            return;
        }
        if (ctx.request().method() != HttpMethod.GET) {
            ctx.response().end();
            return;
        }
        Map<String, Object> body = PatroniStatus.of(view);
        agent.scheduledRestart().ifPresent(restart -> body.put("scheduled_restart", restart));
        agent.wal().ifPresent(wal -> body.put("archive", wal.pusher().status()));
        ctx.response().putHeader("Content-Type", "application/json").end(Json.write(body));
    }

    /**
     * {@code GET /cluster}, {@code /history} and {@code /config} from the last snapshot the loop read
     * ({@link PatroniCluster}); 503 before the first read, 502 for {@code /config} without a dynamic
     * configuration (as Patroni).
     */
    private void fromEtcd(RoutingContext ctx, String path) {
        mdc();
        AgentView view = agent.view();
        if (view == null || view.cluster().isEmpty()) {
            refuse(ctx, 503, path + ": the agent has not read the cluster from etcd yet");
            return;
        }
        ClusterSnapshot snapshot = view.cluster().get();
        Object body;
        if (path.equals("/cluster")) {
            body = PatroniCluster.cluster(view.scope(), snapshot);
        } else if (path.equals("/history")) {
            body = PatroniCluster.history(snapshot);
        } else {
            Optional<Map<String, Object>> config = PatroniCluster.config(snapshot);
            if (config.isEmpty()) {
                refuse(ctx, 502, "/config: the cluster has no dynamic configuration in etcd");
                return;
            }
            body = config.get();
        }
        ctx.response().putHeader("Content-Type", "application/json").end(Json.write(body));
    }

    /**
     * An action behind the bearer token: {@code POST /restart} reads its own body ({@code
     * decide/RestartRequest}), the others' bodies are checked by {@link ActionBody} first.
     */
    private void action(
            Router router, HttpMethod method, String path, java.util.function.Function<String, ActionAnswer> action) {
        router.route(path)
                .method(method)
                .order(-100)
                .handler(BodyHandler.create(false).setBodyLimit(ActionBody.LIMIT))
                .failureHandler(ctx -> refuse(
                        ctx,
                        ctx.statusCode() > 0 ? ctx.statusCode() : 400,
                        path + ": the request body could not be read (at most " + ActionBody.LIMIT + " bytes)"))
                .blockingHandler(
                        ctx -> {
                            mdc();
                            Optional<String> token = SecretSetting.resolve(
                                    "pgha.restapi.token",
                                    config.restapi().token(),
                                    config.restapi().tokenFile());
                            if (!authorized(ctx.request().getHeader("Authorization"), token)) {
                                ctx.response()
                                        .setStatusCode(401)
                                        .putHeader("WWW-Authenticate", "Bearer realm=\"pgha\"")
                                        .putHeader("Content-Type", "text/plain; charset=utf-8")
                                        .end(
                                                token.isEmpty()
                                                        ? "no REST token is configured (pgha.restapi.token or token-file): POST is disabled\n"
                                                        : "a valid 'Authorization: Bearer <token>' header is required\n");
                                return;
                            }
                            String body = ctx.body().asString();
                            if (method == HttpMethod.POST && !path.equals("/restart") && !path.equals("/failsafe")) {
                                Optional<String> problem = ActionBody.problem(path, body);
                                if (problem.isPresent()) {
                                    refuse(ctx, 400, problem.get());
                                    return;
                                }
                            }
                            run(ctx, method + " " + path, () -> action.apply(body));
                        },
                        false);
    }

    /** A path as it may be echoed: control characters replaced, at most 200 characters. */
    private static String shown(String path) {
        String printable = String.valueOf(path).replaceAll("\\p{Cntrl}", "?");
        return printable.length() > 200 ? printable.substring(0, 200) + "…" : printable;
    }

    private static void refuse(RoutingContext ctx, int status, String reason) {
        if (!ctx.response().ended()) {
            ctx.response()
                    .setStatusCode(status)
                    .putHeader("Content-Type", "text/plain; charset=utf-8")
                    .end(reason + "\n");
        }
    }

    private static void run(RoutingContext ctx, String what, java.util.function.Supplier<ActionAnswer> action) {
        ActionAnswer answer;
        try {
            answer = action.get();
        } catch (RuntimeException e) {
            LOG.errorf("%s failed: %s", what, e.getMessage());
            answer = ActionAnswer.of(503, what + " failed: " + e.getMessage());
        }
        if (answer.status() >= 400) {
            LOG.infof("%s answered %d: %s", what, answer.status(), answer.text());
        }
        ctx.response()
                .setStatusCode(answer.status())
                .putHeader("Content-Type", "text/plain; charset=utf-8")
                .end(answer.text() + "\n");
    }

    private void mdc() {
        org.jboss.logging.MDC.put("cluster", config.cluster());
        org.jboss.logging.MDC.put("member", config.name());
    }

    /** Constant-time comparison of the presented bearer token with the configured one. */
    static boolean authorized(String header, Optional<String> token) {
        if (token.isEmpty() || header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        byte[] presented = header.substring("Bearer ".length()).strip().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(presented, token.get().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Patroni's metrics ({@link PatroniMetrics}, from the same view as {@code GET /patroni}), then
     * every Micrometer metric (also served alone at {@code /q/metrics}).
     */
    private void metrics(RoutingContext ctx) {
        Optional<Object> prometheus = prometheus(registry);
        if (prometheus.isEmpty()) {
            ctx.response().setStatusCode(503).end("no Prometheus registry\n");
            return;
        }
        try {
            AgentView view = agent.view();
            String patroni = view == null ? "" : PatroniMetrics.render(view);
            String micrometer =
                    (String) prometheus.get().getClass().getMethod("scrape").invoke(prometheus.get());
            ctx.response()
                    .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                    .end(patroni + micrometer);
        } catch (ReflectiveOperationException e) {
            ctx.response().setStatusCode(500).end("cannot scrape: " + e + "\n");
        }
    }

    private static Optional<Object> prometheus(MeterRegistry registry) {
        if (hasScrape(registry)) {
            return Optional.of(registry);
        }
        if (registry instanceof CompositeMeterRegistry composite) {
            for (MeterRegistry inner : composite.getRegistries()) {
                Optional<Object> found = prometheus(inner);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    private static boolean hasScrape(Object registry) {
        try {
            registry.getClass().getMethod("scrape");
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
