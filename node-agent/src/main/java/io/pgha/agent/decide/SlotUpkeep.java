package io.pgha.agent.decide;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * Whether the leader's loop runs its slot SQL ({@code EnsureSlots}) this time. It ran every loop (every
 * {@code loop_wait}), each time on a new connection; now it runs when something it depends on changed
 * since the slots were last ensured: the set of wanted slots (a member joined or left), the server run
 * (a restart: another postmaster start time), the timeline (a promotion), or nothing was ensured yet
 * (after a failure, a promotion or a bootstrap the caller forgets the record). At least every
 * {@link #REFRESH} it runs anyway, so a slot dropped by hand comes back. Pure: times are monotonic
 * nanos from the caller's clock.
 *
 * @param slots the slots ensured
 * @param postmasterStart the probe's {@code pg_postmaster_start_time()} then
 * @param timeline the probe's timeline then
 * @param atNanos when they were ensured
 */
public record SlotUpkeep(Set<String> slots, Instant postmasterStart, long timeline, long atNanos) {
    public static final Duration REFRESH = Duration.ofSeconds(60);

    public SlotUpkeep {
        slots = Set.copyOf(slots);
    }

    /**
     * True unless {@code last} (null: nothing ensured yet) ensured exactly {@code wanted} on the server
     * run ({@code postmasterStart}, null: unknown) and {@code timeline} seen now, less than {@link
     * #REFRESH} before {@code nowNanos}.
     */
    public static boolean needed(
            SlotUpkeep last, Set<String> wanted, Instant postmasterStart, long timeline, long nowNanos) {
        return last == null
                || postmasterStart == null
                || !postmasterStart.equals(last.postmasterStart)
                || timeline != last.timeline
                || !Set.copyOf(wanted).equals(last.slots)
                || nowNanos - last.atNanos >= REFRESH.toNanos();
    }

    /** What to remember after {@code slots} were ensured at {@code nowNanos} on the server run seen. */
    public static SlotUpkeep ensured(Set<String> slots, Instant postmasterStart, long timeline, long nowNanos) {
        return new SlotUpkeep(slots, Objects.requireNonNull(postmasterStart), timeline, nowNanos);
    }
}
