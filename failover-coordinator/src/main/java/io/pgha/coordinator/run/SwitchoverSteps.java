package io.pgha.coordinator.run;

import io.pgha.coordinator.decide.PoolPauseGate;
import io.pgha.core.Switchover;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.RouterReport;
import io.pgha.events.ElectionEvent;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The coordinator's part of a switchover while the leader still holds its key: a scheduled one is
 * started when due, a running one is announced once and abandoned after {@code switchover-timeout}, a
 * finished or stale one is deleted. (Its second half, promoting the candidate, is a {@link Promotion}.)
 */
final class SwitchoverSteps {
    private static final Logger LOG = Logger.getLogger(SwitchoverSteps.class);

    private final ClusterContext ctx;
    private final LeaderMemory memory;
    private String seen;
    private long seenNanos;
    private String announced; // the due scheduled switchover announced to the poolers, if any
    private long announcedNanos;

    SwitchoverSteps(ClusterContext ctx, LeaderMemory memory) {
        this.ctx = ctx;
        this.memory = memory;
    }

    void dropUnreadableSchedule(ClusterSnapshot snapshot, Switchover s) {
        LOG.errorf("deleting a switchover with an unreadable scheduled_at %s", s.scheduledAt());
        delete(snapshot);
    }

    void dropStaleSchedule(ClusterSnapshot snapshot, Switchover s, String reason) {
        ctx.publish(new ElectionEvent.SwitchoverFailed(
                ctx.cluster, memory.lastEpoch, s.leader(), s.member(), reason, ctx.clock.instant()));
        delete(snapshot);
    }

    /**
     * A scheduled switchover is due: first the poolers' pause, as for {@code POST /switchover} (announce
     * {@code SwitchoverStarted}, wait for every pooling renderer to report it paused, at most
     * {@code pool-pause-timeout}), one step per round of the loop ({@link PoolPauseGate#scheduled}); then
     * the key is rewritten without its time and the leader's agent hands over.
     */
    void startScheduled(ClusterSnapshot snapshot, Switchover s) {
        String key = s.toJson();
        if (!key.equals(announced)) {
            announced = null;
        }
        long epoch = snapshot.leader().map(l -> l.modRevision()).orElse(memory.lastEpoch);
        PoolPauseGate.Scheduled next = PoolPauseGate.scheduled(
                routers(),
                epoch,
                announced == null ? null : Duration.ofNanos(ctx.nanos() - announcedNanos),
                ctx.settings.poolPauseTimeout());
        switch (next.step()) {
            case ANNOUNCE -> {
                announced = key;
                announcedNanos = ctx.nanos();
                LOG.infof(
                        "scheduled switchover of %s from %s to %s is due: pausing the poolers first (epoch %d)",
                        ctx.cluster, s.leader(), s.member(), epoch);
                ctx.publish(new ElectionEvent.SwitchoverStarted(
                        ctx.cluster, epoch, s.leader(), s.member(), null, ctx.clock.instant()));
                // the renderers' "paused" reports are etcd keys: the watch wakes the loop for the next step
            }
            case WAIT -> LOG.debugf("scheduled switchover of %s: waiting for %s", ctx.cluster, next.notPaused());
            case START -> {
                if (announced != null) {
                    long millis = (ctx.nanos() - announcedNanos) / 1_000_000;
                    if (next.notPaused().isEmpty()) {
                        LOG.infof("scheduled switchover of %s: every pooler paused in %d ms", ctx.cluster, millis);
                    } else {
                        LOG.warnf(
                                "scheduled switchover of %s: proceeding without these poolers paused after %d ms"
                                        + " (pgha.coordinator.pool-pause-timeout); their clients may see errors: %s",
                                ctx.cluster, millis, String.join(", ", next.notPaused()));
                    }
                }
                announced = null;
                rewriteWithoutTime(snapshot, s);
            }
        }
    }

    private Map<String, Optional<RouterReport>> routers() {
        try {
            return ctx.store.routers(ctx.cluster);
        } catch (RuntimeException e) {
            return Map.of(); // unreadable: no pooler waited for, as for POST /switchover
        }
    }

    /** Rewrites the key without its time: the leader's agent hands over. */
    private void rewriteWithoutTime(ClusterSnapshot snapshot, Switchover s) {
        LOG.infof("scheduled switchover of %s from %s to %s is due", ctx.cluster, s.leader(), s.member());
        ctx.store.compareAndPut(
                ctx.cluster,
                "switchover",
                new Switchover(s.leader(), s.member()).toJson(),
                snapshot.revisionOf("switchover"),
                ctx.electionRevision());
    }

    /** While the leader hands over: the started event once, the failed event when it takes too long. */
    void watch(ClusterSnapshot snapshot, Switchover s) {
        String json = s.toJson();
        if (!json.equals(seen)) {
            seen = json;
            seenNanos = ctx.nanos();
            ctx.publish(new ElectionEvent.SwitchoverStarted(
                    ctx.cluster, memory.lastEpoch, s.leader(), s.member(), null, ctx.clock.instant()));
            return;
        }
        if (ctx.nanos() - seenNanos > ctx.settings.switchoverTimeout().toNanos()) {
            abandon(
                    snapshot,
                    s,
                    "the leader " + s.leader() + " did not hand over within "
                            + ctx.settings.switchoverTimeout().toSeconds() + " s");
        }
    }

    void forget() {
        seen = null;
    }

    /** Done (the candidate leads) or stale: either way nobody acts on it any more. */
    void deleteFinished(ClusterSnapshot snapshot) {
        delete(snapshot);
        seen = null;
    }

    /** Reports the switchover failed and deletes its key. */
    void abandon(ClusterSnapshot snapshot, Switchover s, String reason) {
        LOG.warnf("switchover of %s abandoned: %s", ctx.cluster, reason);
        ctx.publish(new ElectionEvent.SwitchoverFailed(
                ctx.cluster,
                memory.lastEpoch,
                s != null ? s.leader() : Objects.requireNonNullElse(memory.lastLeader, "unknown"),
                s != null ? s.member() : null,
                reason,
                ctx.clock.instant()));
        delete(snapshot);
        seen = null;
    }

    /** The switchover was carried out: its key goes. */
    void completed(ClusterSnapshot snapshot) {
        delete(snapshot);
    }

    private void delete(ClusterSnapshot snapshot) {
        ctx.store.compareAndDelete(
                ctx.cluster, "switchover", snapshot.revisionOf("switchover"), ctx.electionRevision());
    }
}
