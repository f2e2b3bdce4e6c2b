package io.pgha.core;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster-wide settings kept in etcd at {@code /pgha/<cluster>/config} (same names and units as
 * Patroni's dynamic configuration): times in whole seconds, lag in bytes.
 *
 * <p>Bounds (each checked by {@link #problems}, the message names the setting and the bound): {@code
 * ttl} 1-{@value #MAX_TTL} s, {@code loop_wait} 1-{@value #MAX_LOOP_WAIT} s, {@code retry_timeout}
 * 1-{@value #MAX_RETRY_TIMEOUT} s, and {@code loop_wait + 2 x retry_timeout < ttl}; {@code
 * primary_start_timeout} 0-{@value #MAX_PRIMARY_START_TIMEOUT} s; {@code maximum_lag_on_failover} 0-1
 * TiB; {@code synchronous_node_count} 1-{@value #MAX_SYNCHRONOUS_NODE_COUNT}. The upper bounds are far
 * beyond any sensible cluster (Patroni's defaults are 30, 10, 10, 300, 1 MiB, 1): they catch typos
 * and hostile values, such as a loop_wait that would stop an agent's loop for decades.
 *
 * <p>Keys other than the ones below are refused when the config is changed ({@link #problemsIn}) and
 * ignored when it is read ({@link #fromJson}, which reports them to its caller's log once).
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

    /** The longest ttl: an hour (a member that died is noticed only after ttl). */
    public static final int MAX_TTL = 3600;

    /** The longest loop_wait: five minutes. */
    public static final int MAX_LOOP_WAIT = 300;

    /** The longest retry_timeout: ten minutes. */
    public static final int MAX_RETRY_TIMEOUT = 600;

    /** The longest primary_start_timeout: an hour. */
    public static final int MAX_PRIMARY_START_TIMEOUT = 3600;

    /** The largest maximum_lag_on_failover: 1 TiB (more is "any lag"). */
    public static final long MAX_LAG = 1L << 40;

    /** The most synchronous standbys a primary waits for. */
    public static final int MAX_SYNCHRONOUS_NODE_COUNT = 32;

    /** The settings' names, as in etcd and in Patroni. */
    public static final List<String> KEYS = List.of(
            "ttl",
            "loop_wait",
            "retry_timeout",
            "primary_start_timeout",
            "maximum_lag_on_failover",
            "use_pg_rewind",
            "synchronous_mode",
            "synchronous_mode_strict",
            "synchronous_node_count",
            "pause");

    private static final System.Logger LOG = System.getLogger(DynamicConfig.class.getName());
    private static final java.util.concurrent.atomic.AtomicReference<List<String>> LAST_UNKNOWN =
            new java.util.concurrent.atomic.AtomicReference<>(List.of());

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
        seconds(problems, "ttl", ttl, 1, MAX_TTL);
        seconds(problems, "loop_wait", loopWait, 1, MAX_LOOP_WAIT);
        seconds(problems, "retry_timeout", retryTimeout, 1, MAX_RETRY_TIMEOUT);
        seconds(problems, "primary_start_timeout", primaryStartTimeout, 0, MAX_PRIMARY_START_TIMEOUT);
        if (maximumLagOnFailover < 0 || maximumLagOnFailover > MAX_LAG) {
            problems.add(
                    "maximum_lag_on_failover must be 0 to " + MAX_LAG + " bytes (1TB), got " + maximumLagOnFailover);
        }
        if (synchronousNodeCount < 1 || synchronousNodeCount > MAX_SYNCHRONOUS_NODE_COUNT) {
            problems.add("synchronous_node_count must be 1 to " + MAX_SYNCHRONOUS_NODE_COUNT + ", got "
                    + synchronousNodeCount);
        }
        if (problems.isEmpty() && loopWait + 2L * retryTimeout >= ttl) {
            problems.add("loop_wait + 2 x retry_timeout must be less than ttl, got loop_wait=" + loopWait
                    + " + 2 x retry_timeout=" + retryTimeout + " = " + (loopWait + 2L * retryTimeout) + " >= ttl="
                    + ttl + ": raise ttl or lower loop_wait/retry_timeout");
        }
        return problems;
    }

    /**
     * Every problem with the config JSON {@code json} as a request would send it: a value of the wrong
     * type, a value out of bounds. Empty when it may be stored.
     */
    /** The keys of the JSON object {@code json} that are not settings ({@link #KEYS}), sorted. */
    public static List<String> unknownKeys(String json) {
        return unknownKeys(object(json));
    }

    /**
     * Every problem with the config JSON {@code json} as a change would store it: a key that is not a
     * setting, a value of the wrong type, a value out of bounds. Empty when it may be stored.
     */
    public static List<String> problemsIn(String json) {
        List<String> problems = new ArrayList<>();
        try {
            List<String> unknown = unknownKeys(json);
            if (!unknown.isEmpty()) {
                problems.add("unknown setting(s) "
                        + unknown.stream().map(k -> "'" + k + "'").collect(java.util.stream.Collectors.joining(", "))
                        + " (the settings are " + String.join(", ", KEYS) + "); remove one that is stored already"
                        + " with {\"<name>\": null}");
            }
            problems.addAll(fromJson(json).problems());
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
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
     * Unknown keys are ignored (logged once per distinct set, not at every read).
     */
    public static DynamicConfig fromJson(String json) {
        com.fasterxml.jackson.databind.JsonNode node = object(json);
        List<String> unknown = unknownKeys(node);
        if (!unknown.isEmpty() && !unknown.equals(LAST_UNKNOWN.getAndSet(unknown))) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "ignoring unknown setting(s) " + unknown + " in the dynamic config; remove them with"
                            + " PATCH /api/v1/clusters/<cluster>/config {\"<name>\": null}");
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

    private static com.fasterxml.jackson.databind.JsonNode object(String json) {
        com.fasterxml.jackson.databind.JsonNode node =
                Json.read(json, com.fasterxml.jackson.databind.JsonNode.class, "dynamic config");
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("dynamic config must be a JSON object, got " + json);
        }
        return node;
    }

    private static List<String> unknownKeys(com.fasterxml.jackson.databind.JsonNode node) {
        List<String> unknown = new ArrayList<>();
        node.fieldNames().forEachRemaining(name -> {
            if (!KEYS.contains(name)) {
                unknown.add(name);
            }
        });
        return unknown.stream().sorted().toList();
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
        if (value.isNumber()) {
            if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                throw new IllegalArgumentException(
                        "maximum_lag_on_failover must be a whole number of bytes or a size like 16MB, got " + value);
            }
            return value.asLong();
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(
                    "maximum_lag_on_failover must be a whole number of bytes or a size like 16MB, got " + value);
        }
        try {
            return ByteSize.parse(value.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("maximum_lag_on_failover: " + e.getMessage());
        }
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

    private static void seconds(List<String> problems, String name, int value, int min, int max) {
        if (value < min || value > max) {
            problems.add(name + " must be " + min + " to " + max + " seconds, got " + value);
        }
    }
}
