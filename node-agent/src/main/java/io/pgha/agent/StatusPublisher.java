package io.pgha.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.agent.api.AgentView;
import io.pgha.agent.pg.PgState;
import io.pgha.core.Json;
import io.pgha.core.MemberStatus;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.MemberEntry;
import io.pgha.core.store.StoreException;
import io.pgha.events.Lsn;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/** What the agent tells others: its member key in etcd and the view the REST API answers from. */
final class StatusPublisher {
    private static final Logger LOG = Logger.getLogger(StatusPublisher.class);

    private final AgentContext ctx;
    private final String cluster;
    private final String connUrl;
    private final String apiUrl;
    private final Map<String, Object> tags;
    private final String version;
    private volatile AgentView view;
    private volatile long dcsLastSeenMillis = System.currentTimeMillis();
    private volatile long lastLoopNanos;
    /** The WAL archiver's state, when the agent archives (a repository is configured). */
    private volatile java.util.function.Supplier<io.pgha.core.ArchiveStatus> archive = () -> null;

    StatusPublisher(
            AgentContext ctx, String cluster, String connUrl, String apiUrl, Map<String, Object> tags, String version) {
        this.ctx = ctx;
        this.cluster = cluster;
        this.connUrl = connUrl;
        this.apiUrl = apiUrl;
        this.tags = tags;
        this.version = version;
        this.lastLoopNanos = ctx.clock.nanoTime();
        this.view = new AgentView(
                cluster,
                ctx.me,
                PgState.stopped(),
                Optional.empty(),
                false,
                false,
                Optional.empty(),
                ctx.dynamic.maximumLagOnFailover(),
                Set.of(),
                tags,
                0,
                true,
                version,
                ctx.dynamic.pause(),
                Optional.empty(),
                Optional.empty());
    }

    String apiUrl() {
        return apiUrl;
    }

    /** Publishes the archiver's state in the member key from now on. */
    void archive(java.util.function.Supplier<io.pgha.core.ArchiveStatus> status) {
        archive = status;
    }

    /** etcd answered now. */
    void etcdSeen() {
        dcsLastSeenMillis = System.currentTimeMillis();
    }

    /** A loop run ended now. */
    void loopRan() {
        lastLoopNanos = ctx.clock.nanoTime();
    }

    /** The view as the agent stands now (fenced, stepping down, loop alive are read at this instant). */
    AgentView view() {
        boolean alive = io.pgha.agent.api.HealthChecks.loopAlive(
                view.pg().isPrimary(),
                Duration.ofNanos(ctx.clock.nanoTime() - lastLoopNanos),
                Duration.ofSeconds(ctx.dynamic.loopWait()),
                ctx.dynamic.ttlDuration());
        Role role = ctx.role.current();
        return view.asOfNow(ctx.keeper.fenced(), role.steppingDown(), role.actingPrimary(), alive);
    }

    void publish(PgState state) {
        try {
            ctx.store.putMember(ctx.me, status(state), ctx.keeper.lease());
        } catch (StoreException e) {
            LOG.warnf("could not publish the member key: %s", e.getMessage());
        }
    }

    MemberStatus status(PgState state) {
        MemberStatus.Role role;
        boolean fenced = ctx.keeper.fenced();
        if (!ctx.pg.initialized()) {
            role = MemberStatus.Role.UNINITIALIZED;
        } else if (state.isPrimary() && !fenced) {
            role = MemberStatus.Role.PRIMARY;
        } else if (fenced) {
            role = MemberStatus.Role.DEMOTED;
        } else {
            role = MemberStatus.Role.REPLICA;
        }
        String pgState = !state.running() ? "stopped" : state.accepting() ? "running" : "starting";
        return new MemberStatus(
                connUrl,
                apiUrl,
                role,
                pgState,
                state.timeline(),
                state.isPrimary() ? state.writeLsn() : null,
                state.receiveLsn(),
                state.replayLsn(),
                tags,
                state.isPrimary() ? state.syncStandbyNames() : null,
                version,
                ctx.lastError()
                        .map(e -> new MemberStatus.LastError(e.action(), e.reason(), e.permanent(), e.failures()))
                        .orElse(null),
                archiveStatus(state),
                state.isStandby() ? ctx.detached : null);
    }

    /** The archiver's state on a primary, or on a member that has archived or failed to since it started. */
    private io.pgha.core.ArchiveStatus archiveStatus(PgState state) {
        io.pgha.core.ArchiveStatus status = archive.get();
        if (status == null) {
            return null;
        }
        boolean active = status.archivedCount() > 0 || status.failedCount() > 0;
        return state.isPrimary() || active ? status : null;
    }

    /** A new view from {@code snapshot} (null: etcd was not read, keep what the last one said) and {@code state}. */
    void updateView(ClusterSnapshot snapshot, PgState state) {
        AgentView old = view;
        Optional<String> leader =
                snapshot == null ? old.leader() : snapshot.leader().map(l -> l.member());
        boolean mine = snapshot == null ? old.leaderIsMine() : ctx.leaderIsMine(snapshot);
        Optional<Lsn> leaderLsn = snapshot == null
                ? old.leaderLsn()
                : snapshot.leaderMember()
                        .map(MemberEntry::status)
                        .map(MemberStatus::xlogLocation)
                        .filter(java.util.Objects::nonNull);
        Set<String> sync = snapshot == null ? old.syncStandbys() : syncMembers(snapshot);
        view = new AgentView(
                cluster,
                ctx.me,
                state,
                leader,
                mine,
                ctx.keeper.fenced(),
                leaderLsn,
                ctx.dynamic.maximumLagOnFailover(),
                sync,
                tags,
                dcsLastSeenMillis / 1000,
                true,
                version,
                ctx.dynamic.pause(),
                ctx.lastError(),
                snapshot == null ? old.cluster() : Optional.of(snapshot),
                failsafeView());
    }

    /** Failsafe mode as this agent stands now (DESIGN.md, "Failsafe mode"). */
    private AgentView.FailsafeView failsafeView() {
        ClusterSnapshot last = ctx.lastSnapshot;
        boolean member = last != null
                && last.failsafeMembers().map(f -> f.contains(ctx.me)).orElse(false);
        boolean active = ctx.keeper.onFailsafe() || (ctx.failsafe != null && ctx.failsafe.confirmedRecently());
        return new AgentView.FailsafeView(ctx.dynamic.failsafeMode(), active, member);
    }

    private static Set<String> syncMembers(ClusterSnapshot snapshot) {
        return snapshot.sync()
                .map(json -> {
                    try {
                        JsonNode node = Json.MAPPER.readTree(json);
                        String names = node.path("sync_standby").asText("");
                        return Set.of(names.isBlank() ? new String[0] : names.split("\\s*,\\s*"));
                    } catch (Exception e) {
                        return Set.<String>of();
                    }
                })
                .orElse(Set.of());
    }
}
