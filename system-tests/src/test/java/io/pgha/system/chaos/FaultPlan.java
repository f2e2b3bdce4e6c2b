package io.pgha.system.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A seeded random schedule of faults: the same seed gives the same faults in the same order with the
 * same targets and durations, so that a run can be replayed ({@code -Dchaos.seed=}). The first faults
 * are every type once, in a seeded order; the rest are drawn at random.
 */
public record FaultPlan(long seed, List<Planned> faults) {
    public FaultPlan {
        faults = List.copyOf(faults);
    }

    /** The faults the harness can inject today. */
    public enum Type {
        /** kill -9 of the node-agent only: its PostgreSQL runs on without it. */
        KILL_AGENT(true),
        /** kill -9 of the postmaster only. */
        KILL_POSTMASTER(true),
        /** kill -9 of the agent and the postmaster (node loss). */
        KILL_NODE(true),
        /** SIGSTOP of the node-agent (its PostgreSQL runs on), SIGCONT after the hold. */
        PAUSE_AGENT(true),
        /** SIGSTOP of the postmaster and every backend, SIGCONT after the hold. */
        PAUSE_POSTGRES(true),
        /** The node's namespace cannot reach etcd (its other links work), restored after the hold. */
        CUT_FROM_ETCD(true),
        /** The node and the two other nodes cannot reach each other (etcd and clients still can). */
        CUT_FROM_NODES(true),
        /** The node's namespace is cut off from everything (its link is down). */
        ISOLATE(true),
        /** Asymmetric: everything the node sends is lost, what others send to it still arrives. */
        CUT_OUTBOUND(true),
        /** kill -9 of the leading failover-coordinator. */
        KILL_COORDINATOR(false),
        /** SIGSTOP of the leading failover-coordinator, SIGCONT after the hold. */
        PAUSE_COORDINATOR(false),
        /** Kafka stopped for the hold. */
        KAFKA_DOWN(false),
        /** One etcd member stopped for the hold. */
        ETCD_MEMBER_DOWN(false),
        /** Two of the three etcd members stopped for the hold: no quorum. */
        ETCD_QUORUM_LOST(false),
        /** The node's disk (a tmpfs holding PGDATA and pg_wal) filled up, the filler deleted after the hold. */
        DISK_FULL(true),
        /**
         * A planned switchover through a coordinator's REST API to a replica (one that may be promoted
         * in synchronous mode); the hold is quiet time after it. Added 2026-12-02: seeds drawn before
         * replay their schedules with the 15 older types in {@code chaos.types}.
         */
        SWITCHOVER(false);

        private final boolean onANode;

        Type(boolean onANode) {
            this.onANode = onANode;
        }

        /** True when the fault hits a PostgreSQL node (the primary or a replica). */
        public boolean onANode() {
            return onANode;
        }

        /** The name used in reports ({@code kill-agent}). */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        /**
         * The types named in {@code list} (labels separated by commas, {@code disk-full,kill-node}), in
         * declaration order; every type when it is blank.
         *
         * @throws IllegalArgumentException naming an unknown label and listing the valid ones
         */
        public static List<Type> parse(String list) {
            if (list == null || list.isBlank()) {
                return List.of(values());
            }
            java.util.Set<Type> chosen = java.util.EnumSet.noneOf(Type.class);
            for (String word : list.split(",")) {
                String label = word.strip();
                if (label.isEmpty()) {
                    continue;
                }
                chosen.add(java.util.Arrays.stream(values())
                        .filter(t -> t.label().equals(label))
                        .findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("unknown fault type '" + label
                                + "' in chaos.types; valid: "
                                + java.util.Arrays.stream(values())
                                        .map(Type::label)
                                        .collect(java.util.stream.Collectors.joining(",")))));
            }
            if (chosen.isEmpty()) {
                throw new IllegalArgumentException("chaos.types '" + list + "' names no fault type");
            }
            return List.copyOf(chosen);
        }
    }

    /** Which node a node fault hits. */
    public enum Target {
        PRIMARY,
        REPLICA
    }

    /**
     * Fault {@code index}: {@code type} on {@code target} (for node faults), held for {@code hold}
     * before it is healed; {@code pick} chooses among equals (which replica, which etcd member).
     */
    public record Planned(int index, Type type, Target target, Duration hold, int pick) {
        public String label() {
            return type.label() + (type.onANode() ? "(" + target.name().toLowerCase(java.util.Locale.ROOT) + ")" : "");
        }
    }

    /** {@code count} faults of every type from {@code seed}, each held between 1 s and {@code maxHold}. */
    public static FaultPlan of(long seed, int count, Duration maxHold) {
        return of(seed, count, maxHold, List.of(Type.values()));
    }

    /**
     * {@code count} faults of the types {@code only} from {@code seed}, each held between 1 s and {@code
     * maxHold}: the same seed and types (in any order) give the same schedule.
     */
    public static FaultPlan of(long seed, int count, Duration maxHold, List<Type> only) {
        if (only.isEmpty()) {
            throw new IllegalArgumentException("a fault plan needs at least one fault type");
        }
        Random random = new Random(seed);
        // declaration order first, so that the list's order does not change the schedule
        List<Type> types = new ArrayList<>(java.util.EnumSet.copyOf(only));
        Collections.shuffle(types, random);
        List<Planned> faults = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Type type = i < types.size() ? types.get(i) : types.get(random.nextInt(types.size()));
            Target target = random.nextInt(4) == 0 ? Target.REPLICA : Target.PRIMARY;
            long holdMillis = 1000 + (long) random.nextInt((int) Math.max(1, maxHold.toMillis() - 1000 + 1));
            faults.add(new Planned(i, type, target, Duration.ofMillis(holdMillis), random.nextInt(1000)));
        }
        return new FaultPlan(seed, faults);
    }
}
