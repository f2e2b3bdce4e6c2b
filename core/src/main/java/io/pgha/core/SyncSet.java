package io.pgha.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The synchronous standby set at {@code /pgha/<cluster>/sync} (Patroni's format, plus {@code target}):
 * the leader it was chosen for, the members that may be promoted ({@code sync_standby}: each of them
 * holds every acknowledged commit), and the members the primary is to wait for ({@code target},
 * absent when equal to {@code sync_standby}). The primary applies the union of both, so a promotable
 * member is always one the primary waits for.
 *
 * <p>Quorum commit ({@code synchronous_mode: quorum}, failover-coordinator's DESIGN.md, "Quorum
 * commit"): {@code sync_standby} holds the voters V, {@code quorum_k} k_r (every acknowledged commit is
 * on at least k_r voters), {@code target} the members A the primary applies (absent when equal to V)
 * and {@code target_k} k_a: the primary applies {@code ANY k_a (A)}. A record without {@code quorum_k}
 * is a FIRST record, read and written as before.
 *
 * @param leader the primary this set was chosen for (another member applies nothing)
 * @param syncStandby the promotable members (quorum: the voters), comma-separated
 * @param target the members the primary waits for, comma-separated; null when equal to syncStandby
 * @param quorumK quorum commit's k_r; null in FIRST mode
 * @param targetK quorum commit's k_a (the primary applies {@code ANY k_a (target)}); null in FIRST mode
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SyncSet(
        @JsonProperty("leader") String leader,
        @JsonProperty("sync_standby") String syncStandby,
        @JsonProperty("target") String target,
        @JsonProperty("quorum_k") Integer quorumK,
        @JsonProperty("target_k") Integer targetK) {

    public SyncSet {
        if ((quorumK == null) != (targetK == null)) {
            throw new IllegalArgumentException(
                    "sync key: quorum_k and target_k go together (quorum commit), got quorum_k=" + quorumK
                            + ", target_k=" + targetK);
        }
    }

    /** A FIRST record (synchronous mode). */
    public SyncSet(String leader, String syncStandby, String target) {
        this(leader, syncStandby, target, null, null);
    }

    /**
     * The {@code synchronous_standby_names} of a primary in strict synchronous mode while no standby is
     * named (Patroni's {@code '*'}): every commit waits until some standby has flushed it, rather than
     * being acknowledged by the primary alone.
     */
    public static final String ANY_STANDBY = "*";

    public SyncSet(String leader, String syncStandby) {
        this(leader, syncStandby, null);
    }

    /** A set from member lists (sorted, so equal sets are written the same way). */
    public static SyncSet of(String leader, Set<String> promotable, Set<String> target) {
        String p = promotable.stream().sorted().collect(Collectors.joining(","));
        String t = target.stream().sorted().collect(Collectors.joining(","));
        return new SyncSet(leader, p, t.equals(p) ? null : t);
    }

    /**
     * A quorum record (sorted): the voters V with k_r, and {@code ANY targetK (target)} for the primary.
     *
     * @throws IllegalArgumentException when a k is negative or larger than its set
     */
    public static SyncSet quorum(String leader, Set<String> voters, int quorumK, Set<String> target, int targetK) {
        if (quorumK < 0 || quorumK > voters.size()) {
            throw new IllegalArgumentException("sync key: quorum_k must be 0 to " + voters.size() + ", got " + quorumK);
        }
        if (targetK < 0 || targetK > target.size()) {
            throw new IllegalArgumentException("sync key: target_k must be 0 to " + target.size() + ", got " + targetK);
        }
        String v = voters.stream().sorted().collect(Collectors.joining(","));
        String t = target.stream().sorted().collect(Collectors.joining(","));
        return new SyncSet(leader, v, t.equals(v) ? null : t, quorumK, targetK);
    }

    /** Whether this is a quorum record ({@code synchronous_mode: quorum}). */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isQuorum() {
        return quorumK != null;
    }

    public static SyncSet fromJson(String json) {
        return Json.read(json, SyncSet.class, "sync key");
    }

    public String toJson() {
        return Json.write(this);
    }

    /** The promotable members (empty when none). */
    public List<String> members() {
        return split(syncStandby);
    }

    /** The members the primary waits for: {@code target}, or the promotable members when absent. */
    public List<String> targetMembers() {
        return target == null ? members() : split(target);
    }

    /** What the primary applies: the promotable members and the target, in that order. */
    public List<String> applied() {
        Set<String> all = new LinkedHashSet<>(members());
        all.addAll(targetMembers());
        return List.copyOf(all);
    }

    /**
     * The {@code synchronous_standby_names} that makes every applied member acknowledge each commit (so
     * any promotable one can be promoted without losing one): {@code FIRST n ("a","b")}, or empty. The
     * names were read back from etcd, where anyone with write access may have put anything: each is
     * re-validated with {@link EtcdLayout#requireName} first, so none can carry a quote, a backslash or
     * a newline into PostgreSQL's configuration.
     *
     * @throws IllegalArgumentException naming the first member name that is not a valid one
     */
    public String standbyNames() {
        List<String> members = isQuorum() ? targetMembers() : applied();
        if (members.isEmpty() || isQuorum() && targetK <= 0) {
            return "";
        }
        for (String member : members) {
            try {
                EtcdLayout.requireName("member", member);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the sync set (leader " + leader + ") names an invalid member: "
                        + e.getMessage() + "; fix or delete the sync key");
            }
        }
        return (isQuorum() ? "ANY " + Math.min(targetK, members.size()) : "FIRST " + members.size()) + " ("
                + members.stream()
                        .map(m -> "\"" + m.replace("\"", "\"\"") + "\"")
                        .collect(Collectors.joining(","))
                + ")";
    }

    /**
     * An applied {@code synchronous_standby_names} as a quorum: every acknowledged commit is flushed on
     * at least {@code k} of {@code members}.
     *
     * @param members the names listed
     * @param k how many of them flush each acknowledged commit
     */
    public record AnyOf(Set<String> members, int k) {
        public AnyOf {
            members = Set.copyOf(members);
        }

        /**
         * Reads an applied value: {@code ANY k (..)} and {@code FIRST k (..)} (either way k of the listed
         * standbys flush each acknowledged commit), {@code k (..)} (FIRST), a plain list (FIRST 1).
         * Empty or {@code *} (any walreceiver at all, named or not) reads as no member and k = 0: nothing
         * is known to be on a named standby.
         */
        public static AnyOf parse(String standbyNames) {
            Set<String> names = namesIn(standbyNames);
            if (names.isEmpty() || names.contains(ANY_STANDBY)) {
                return new AnyOf(Set.of(), 0);
            }
            String text = standbyNames.strip();
            int open = text.indexOf('(');
            int k = 1;
            if (open > 0) {
                String head = text.substring(0, open).strip().toUpperCase(java.util.Locale.ROOT);
                if (head.startsWith("ANY")) {
                    head = head.substring(3).strip();
                } else if (head.startsWith("FIRST")) {
                    head = head.substring(5).strip();
                }
                try {
                    k = Integer.parseInt(head);
                } catch (NumberFormatException e) {
                    return new AnyOf(Set.of(), 0); // unreadable: assume nothing
                }
            }
            return new AnyOf(names, Math.max(0, Math.min(k, names.size())));
        }
    }

    /** The member names in an applied {@code synchronous_standby_names} value (empty when none). */
    public static Set<String> namesIn(String standbyNames) {
        if (standbyNames == null || standbyNames.isBlank()) {
            return Set.of();
        }
        int open = standbyNames.indexOf('(');
        int close = standbyNames.lastIndexOf(')');
        String list = open >= 0 && close > open ? standbyNames.substring(open + 1, close) : standbyNames;
        Set<String> names = new LinkedHashSet<>();
        for (String part : list.split(",")) {
            String name = part.strip();
            if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
                name = name.substring(1, name.length() - 1).replace("\"\"", "\"");
            }
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return Set.copyOf(names);
    }

    private static List<String> split(String csv) {
        if (csv == null || csv.isBlank()) {
            return List.of();
        }
        return Arrays.stream(csv.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    }
}
