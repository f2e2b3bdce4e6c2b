package io.pgha.coordinator.run;

import io.pgha.core.Switchover;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.events.ElectionEvent;
import java.util.Objects;
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

    /** Rewrites the key without its time: the leader's agent hands over. */
    void startScheduled(ClusterSnapshot snapshot, Switchover s) {
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
