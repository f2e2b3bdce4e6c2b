package io.pgha.agent.decide;

/** A monotonic clock (never jumps with wall-clock changes); {@link #SYSTEM} is {@link System#nanoTime()}. */
@FunctionalInterface
public interface MonotonicClock {
    MonotonicClock SYSTEM = System::nanoTime;

    long nanoTime();
}
