package io.pgha.core;

import com.fasterxml.jackson.core.type.TypeReference;
import java.util.Map;
import java.util.TreeMap;

/**
 * Failsafe mode's member list, kept at {@code /pgha/<cluster>/failsafe} in Patroni's shape: {@code
 * {"<member>": "<api_url>", ...}}. The leading coordinator keeps it equal to the cluster's members
 * while {@code failsafe_mode} is on. A primary that cannot reach etcd must have every other member of
 * it confirm it as leader over REST ({@code POST /failsafe}) to keep running; only its members may be
 * promoted. See node-agent's DESIGN.md, "Failsafe mode".
 *
 * @param members api_url by member name (sorted)
 */
public record Failsafe(Map<String, String> members) {
    private static final TypeReference<Map<String, String>> SHAPE = new TypeReference<>() {};

    public Failsafe {
        Map<String, String> sorted = new TreeMap<>();
        (members == null ? Map.<String, String>of() : members).forEach((name, url) -> {
            EtcdLayout.requireName("failsafe member", name);
            sorted.put(name, url == null ? "" : url);
        });
        members = java.util.Collections.unmodifiableMap(sorted);
    }

    /** Reads the key's JSON; throws naming the key and the problem when it does not fit. */
    public static Failsafe fromJson(String json) {
        Map<String, String> m;
        try {
            m = Json.MAPPER.readValue(json, SHAPE);
        } catch (Exception e) {
            throw new IllegalArgumentException(
                    "the failsafe key is not a JSON object of api_url by member name: " + e.getMessage());
        }
        if (m == null) {
            throw new IllegalArgumentException("the failsafe key is empty");
        }
        return new Failsafe(m);
    }

    public String toJson() {
        return Json.write(members);
    }

    public boolean contains(String member) {
        return members.containsKey(member);
    }
}
