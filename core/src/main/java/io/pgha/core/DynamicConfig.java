package io.pgha.core;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster-wide settings kept in etcd at {@code /pgha/<cluster>/config} (same names and units as
 * Patroni's dynamic configuration): times in whole seconds, lag in bytes.
 *
 * @param ttl seconds a lease (member and leader key) lives without renewal
 * @param loopWait seconds between two runs of an agent's loop
 * @param retryTimeout seconds an etcd or PostgreSQL operation may take before it counts as failed
 * @param primaryStartTimeout seconds a crashed primary gets to accept connections again before its
 *     agent releases the leader key
 * @param maximumLagOnFailover bytes a replica may be behind and still be promoted
 * @param usePgRewind whether a diverged former primary is rewound (else re-cloned)
 * @param synchronousMode whether commits wait for synchronous standbys (only they may be promoted)
 * @param synchronousModeStrict whether commits block rather than go unprotected when no standby qualifies
 * @param synchronousNodeCount how many synchronous standbys the primary waits for
 * @param pause whether automatic failover is paused (maintenance)
 */
public record DynamicConfig(
        @JsonProperty("ttl") int ttl,
        @JsonProperty("loop_wait") int loopWait,
        @JsonProperty("retry_timeout") int retryTimeout,
        @JsonProperty("primary_start_timeout") int primaryStartTimeout,
        @JsonProperty("maximum_lag_on_failover") long maximumLagOnFailover,
        @JsonProperty("use_pg_rewind") boolean usePgRewind,
        @JsonProperty("synchronous_mode") boolean synchronousMode,
        @JsonProperty("synchronous_mode_strict") boolean synchronousModeStrict,
        @JsonProperty("synchronous_node_count") int synchronousNodeCount,
        @JsonProperty("pause") boolean pause) {

    /**
     * ttl 10 s, loop_wait 1 s, retry_timeout 3 s, primary_start_timeout 10 s, 1 MiB, rewind on,
     * asynchronous (1 synchronous standby when switched on), not paused.
     */
    public static final DynamicConfig DEFAULTS = new DynamicConfig(10, 1, 3, 10, 1L << 20, true);

    /** The timing and failover settings, with the synchronous-mode and pause settings at their defaults. */
    public DynamicConfig(
            int ttl,
            int loopWait,
            int retryTimeout,
            int primaryStartTimeout,
            long maximumLagOnFailover,
            boolean usePgRewind) {
        this(
                ttl,
                loopWait,
                retryTimeout,
                primaryStartTimeout,
                maximumLagOnFailover,
                usePgRewind,
                false,
                false,
                1,
                false);
    }

    /** The problems with these values, each naming the property and the rule; empty when valid. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        positive(problems, "ttl", ttl);
        positive(problems, "loop_wait", loopWait);
        positive(problems, "retry_timeout", retryTimeout);
        if (primaryStartTimeout < 0) {
            problems.add("primary_start_timeout must be 0 or more seconds, got " + primaryStartTimeout);
        }
        if (maximumLagOnFailover < 0) {
            problems.add("maximum_lag_on_failover must be 0 or more bytes, got " + maximumLagOnFailover);
        }
        if (synchronousNodeCount < 1) {
            problems.add("synchronous_node_count must be at least 1, got " + synchronousNodeCount);
        }
        if (problems.isEmpty() && loopWait + 2L * retryTimeout >= ttl) {
            problems.add("loop_wait + 2 x retry_timeout must be less than ttl, got loop_wait=" + loopWait
                    + " + 2 x retry_timeout=" + retryTimeout + " = " + (loopWait + 2L * retryTimeout) + " >= ttl="
                    + ttl + ": raise ttl or lower loop_wait/retry_timeout");
        }
        return problems;
    }

    /** Returns this config, or throws {@link IllegalArgumentException} listing every problem. */
    public DynamicConfig validated() {
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid dynamic configuration: " + String.join("; ", problems));
        }
        return this;
    }

    /**
     * Reads the JSON kept in etcd; a missing field takes its {@link #DEFAULTS} value. Does not validate.
     */
    public static DynamicConfig fromJson(String json) {
        com.fasterxml.jackson.databind.JsonNode node =
                Json.read(json, com.fasterxml.jackson.databind.JsonNode.class, "dynamic config");
        if (!node.isObject()) {
            throw new IllegalArgumentException("dynamic config must be a JSON object, got " + json);
        }
        DynamicConfig d = DEFAULTS;
        return new DynamicConfig(
                intField(node, "ttl", d.ttl),
                intField(node, "loop_wait", d.loopWait),
                intField(node, "retry_timeout", d.retryTimeout),
                intField(node, "primary_start_timeout", d.primaryStartTimeout),
                node.has("maximum_lag_on_failover")
                        ? sizeField(node.get("maximum_lag_on_failover"))
                        : d.maximumLagOnFailover,
                boolField(node, "use_pg_rewind", d.usePgRewind),
                boolField(node, "synchronous_mode", d.synchronousMode),
                boolField(node, "synchronous_mode_strict", d.synchronousModeStrict),
                intField(node, "synchronous_node_count", d.synchronousNodeCount),
                boolField(node, "pause", d.pause));
    }

    private static boolean boolField(com.fasterxml.jackson.databind.JsonNode node, String name, boolean fallback) {
        if (!node.has(name) || node.get(name).isNull()) {
            return fallback;
        }
        com.fasterxml.jackson.databind.JsonNode value = node.get(name);
        if (!value.isBoolean()) {
            throw new IllegalArgumentException(name + " must be true or false, got " + value);
        }
        return value.asBoolean();
    }

    public String toJson() {
        return Json.write(this);
    }

    private static int intField(com.fasterxml.jackson.databind.JsonNode node, String name, int fallback) {
        if (!node.has(name) || node.get(name).isNull()) {
            return fallback;
        }
        com.fasterxml.jackson.databind.JsonNode value = node.get(name);
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new IllegalArgumentException(name + " must be a whole number, got " + value);
        }
        return value.asInt();
    }

    private static long sizeField(com.fasterxml.jackson.databind.JsonNode value) {
        return value.isNumber() ? value.asLong() : ByteSize.parse(value.asText());
    }

    public Duration ttlDuration() {
        return Duration.ofSeconds(ttl);
    }

    public Duration loopWaitDuration() {
        return Duration.ofSeconds(loopWait);
    }

    public Duration retryTimeoutDuration() {
        return Duration.ofSeconds(retryTimeout);
    }

    public Duration primaryStartTimeoutDuration() {
        return Duration.ofSeconds(primaryStartTimeout);
    }

    private static void positive(List<String> problems, String name, int value) {
        if (value <= 0) {
            problems.add(name + " must be at least 1 second, got " + value);
        }
    }
}
