package io.pgha.system.chaos;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a chaos run recorded, as plain values the {@link Checker} judges: every client operation, every
 * read through the read-only port, every fault, and the final state of every member after healing.
 * Times are {@link System#nanoTime()} readings of the test's JVM (one clock for everything).
 */
public record History(List<Op> ops, List<Observation> reads, List<Fault> faults, List<MemberState> finals) {
    public History {
        ops = List.copyOf(ops);
        reads = List.copyOf(reads);
        faults = List.copyOf(faults);
        finals = List.copyOf(finals);
    }

    /** How a write ended, as its client saw it. */
    public enum Outcome {
        /** Committed and acknowledged. */
        OK,
        /** Definitely not committed (refused before it was sent, or rejected by the server). */
        FAIL,
        /** The connection broke or timed out after the statement was sent: it may or may not have committed. */
        UNKNOWN
    }

    /**
     * The member that acknowledged a write, as the SQL of that very transaction returned it: the system
     * identifier ({@code pg_control_system()}), the current timeline (from the WAL insert position), the
     * server's port and its {@code cluster_name}.
     */
    public record Serving(String systemId, long timeline, int port, String member) {
        /** The primary this write ran on: one member on one timeline. */
        public String identity() {
            return member + "@" + systemId + "/tl" + timeline;
        }
    }

    /**
     * One write: client {@code client} appended id {@code seq} (its clients append 1, 2, 3, ... one at a
     * time); {@code serving} is present only when the outcome is OK.
     */
    public record Op(
            int client, long seq, long invokeNanos, long completeNanos, Outcome outcome, Optional<Serving> serving) {
        public static Op ok(int client, long seq, long invoke, long complete, Serving serving) {
            return new Op(client, seq, invoke, complete, Outcome.OK, Optional.of(serving));
        }

        public static Op failed(int client, long seq, long invoke, long complete) {
            return new Op(client, seq, invoke, complete, Outcome.FAIL, Optional.empty());
        }

        public static Op unknown(int client, long seq, long invoke, long complete) {
            return new Op(client, seq, invoke, complete, Outcome.UNKNOWN, Optional.empty());
        }

        public Id id() {
            return new Id(client, seq);
        }
    }

    /** An appended id: the client and its sequence number. */
    public record Id(int client, long seq) implements Comparable<Id> {
        @Override
        public int compareTo(Id o) {
            return client != o.client ? Integer.compare(client, o.client) : Long.compare(seq, o.seq);
        }

        @Override
        public String toString() {
            return client + ":" + seq;
        }
    }

    /**
     * What one read saw at {@code atNanos} on {@code member}: each client's ids in the order the table
     * holds them (its {@code pos} column).
     */
    /**
     * One read of the table on {@code member}: every client's ids in table order. A read that is not
     * {@code complete} saw only the table's last rows (the reader's window), so ids before each client's
     * first one in it are not judged.
     */
    public record Observation(
            String source, String member, long atNanos, Map<Integer, List<Long>> idsByClient, boolean complete) {
        public Observation {
            idsByClient = Map.copyOf(idsByClient);
        }

        /** A read of the whole table. */
        public Observation(String source, String member, long atNanos, Map<Integer, List<Long>> idsByClient) {
            this(source, member, atNanos, idsByClient, true);
        }
    }

    /**
     * One injected fault: injected, healed, and settled (the cluster healthy again and writes going on;
     * the harness checks only after that), with the replication lag measured just before it.
     */
    public record Fault(
            int index,
            String type,
            String detail,
            long injectNanos,
            long healNanos,
            long settledNanos,
            Optional<Long> lagBytes) {}

    /**
     * A member's final state, read after healing and after the primary's last write was replayed
     * everywhere: its identity, whether it is the primary, and what its table holds.
     */
    public record MemberState(String member, String systemId, long timeline, boolean primary, Observation table) {}
}
