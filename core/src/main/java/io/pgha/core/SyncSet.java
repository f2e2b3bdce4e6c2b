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
 * @param leader the primary this set was chosen for (another member applies nothing)
 * @param syncStandby the promotable members, comma-separated
 * @param target the members the primary waits for, comma-separated; null when equal to syncStandby
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SyncSet(
        @JsonProperty("leader") String leader,
        @JsonProperty("sync_standby") String syncStandby,
        @JsonProperty("target") String target) {

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
        List<String> members = applied();
        if (members.isEmpty()) {
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
        return "FIRST " + members.size() + " ("
                + members.stream()
                        .map(m -> "\"" + m.replace("\"", "\"\"") + "\"")
                        .collect(Collectors.joining(","))
                + ")";
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
