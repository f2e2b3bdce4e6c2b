package io.pgha.coordinator.decide;

import io.pgha.core.store.RouterReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether the poolers are ready for a planned switchover: every live config-renderer that drives a
 * PgBouncer (its report says {@code pool}) must report its read-write pools paused for the switchover's
 * epoch (running transactions finished, new ones held) before the leader is told to hand over. Renderers
 * without a pooler are not waited for; with none, there is nothing to wait for.
 */
public final class PoolPauseGate {
    private PoolPauseGate() {}

    /** True when some router drives a pooler (then the coordinator announces the switchover and waits). */
    public static boolean anyPooler(Map<String, Optional<RouterReport>> reports) {
        return reports.values().stream().anyMatch(r -> r.isPresent() && r.get().pooling());
    }

    /** The next step of a due scheduled switchover, before its key is rewritten without the time. */
    public enum ScheduledStep {
        /** Announce it ({@code SwitchoverStarted}) so that the poolers pause; the key stays as it is. */
        ANNOUNCE,
        /** Announced, some pooler not paused yet, the bound not reached: look again at the next round. */
        WAIT,
        /** Rewrite the key: every pooler paused, none to wait for, or the bound reached. */
        START
    }

    /** {@link ScheduledStep} and the poolers that did not pause (to log when it starts without them). */
    public record Scheduled(ScheduledStep step, List<String> notPaused) {}

    /**
     * A scheduled switchover at {@code epoch} is due: the same handshake as {@code POST /switchover}, in
     * steps of the coordinator's loop instead of a wait (the loop serves the whole cluster).
     * {@code sinceAnnounced} is null before it was announced; {@code bound} is
     * {@code pgha.coordinator.pool-pause-timeout} (0: do not wait).
     */
    public static Scheduled scheduled(
            Map<String, Optional<RouterReport>> reports, long epoch, Duration sinceAnnounced, Duration bound) {
        if (bound.isZero() || !anyPooler(reports)) {
            return new Scheduled(ScheduledStep.START, List.of());
        }
        if (sinceAnnounced == null) {
            return new Scheduled(ScheduledStep.ANNOUNCE, List.of());
        }
        List<String> pending = notPaused(reports, epoch);
        if (pending.isEmpty() || sinceAnnounced.compareTo(bound) >= 0) {
            return new Scheduled(ScheduledStep.START, pending);
        }
        return new Scheduled(ScheduledStep.WAIT, pending);
    }

    /**
     * The pooling routers not yet paused for {@code epoch}, each with what it reports; empty when every one
     * is. A report that cannot be read is not waited for (it may be no pooler at all).
     */
    public static List<String> notPaused(Map<String, Optional<RouterReport>> reports, long epoch) {
        List<String> pending = new ArrayList<>();
        reports.forEach((router, report) -> {
            if (report.isPresent() && report.get().pooling() && !report.get().pausedFor(epoch)) {
                pending.add(router + " (paused for "
                        + (report.get().pausedEpoch() == null
                                ? "nothing"
                                : "epoch " + report.get().pausedEpoch())
                        + ")");
            }
        });
        return pending;
    }
}
