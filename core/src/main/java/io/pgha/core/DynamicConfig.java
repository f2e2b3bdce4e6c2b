package io.pgha.core;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cluster-wide settings kept in etcd at {@code /pgha/<cluster>/config}, in the shape and with the
 * names and units of Patroni's dynamic configuration: times in whole seconds, lag in bytes, and the
 * PostgreSQL settings nested under {@code postgresql} ({@code use_pg_rewind}, {@code use_slots},
 * {@code parameters}).
 *
 * <p>Bounds (each checked by {@link #problems}, the message names the setting and the bound): {@code
 * ttl} 1-{@value #MAX_TTL} s, {@code loop_wait} 1-{@value #MAX_LOOP_WAIT} s, {@code retry_timeout}
 * 1-{@value #MAX_RETRY_TIMEOUT} s, and Patroni's rule {@code loop_wait + 2 x retry_timeout <= ttl};
 * {@code primary_start_timeout} and {@code primary_stop_timeout} 0-{@value #MAX_PRIMARY_START_TIMEOUT}
 * s; {@code member_slots_ttl} 0-{@value #MAX_MEMBER_SLOTS_TTL} s (or {@code 30min}, {@code 1h}, {@code 1d});
 * {@code maximum_lag_on_failover} 0-1 TiB; {@code maximum_lag_on_syncnode} -1-1 TiB (0 or below: off);
 * {@code synchronous_node_count} 1-{@value
 * #MAX_SYNCHRONOUS_NODE_COUNT}. The upper bounds are far beyond any sensible cluster (Patroni's
 * defaults are 30, 10, 10, 300, 0, 1 MiB, 1): they catch typos and hostile values, such as a loop_wait
 * that would stop an agent's loop for decades. {@code postgresql.parameters} follow {@link
 * PgParameters}, {@code postgresql.pg_hba} and {@code postgresql.pg_ident} follow {@link PgHba}.
 *
 * <p>Keys other than {@link #KEYS} are refused when the config is changed ({@link #problemsIn}), named
 * in full ({@code postgresql.foo}); Patroni settings pgha does not carry out yet ({@link #UNSUPPORTED})
 * are refused saying so. Both are ignored when the config is read ({@link #fromJson}, which reports
 * them to its caller's log once). A config written before the nested shape, with {@code use_pg_rewind}
 * at the top level, is still read ({@link #migrated} moves it under {@code postgresql}).
 *
 * @param ttl seconds a lease (member and leader key) lives without renewal
 * @param loopWait seconds between two runs of an agent's loop
 * @param retryTimeout seconds an etcd or PostgreSQL operation may take before it counts as failed
 * @param primaryStartTimeout seconds a crashed primary gets to accept connections again before its
 *     agent releases the leader key
 * @param primaryStopTimeout seconds, in synchronous mode, a primary's fast shutdown may take before
 *     its agent escalates it (immediate shutdown, then SIGKILL); 0 leaves pgha.postgres.stop-timeout
 * @param maximumLagOnFailover bytes a replica may be behind and still be promoted
 * @param synchronousMode whether commits wait for synchronous standbys (only they may be promoted)
 * @param synchronousModeStrict whether commits block rather than go unprotected when no standby qualifies
 * @param synchronousNodeCount how many synchronous standbys the primary waits for
 * @param pause whether automatic failover is paused (maintenance)
 * @param checkTimeline whether a candidate on a timeline older than the last leader's is never promoted
 * @param postgresql the settings under {@code postgresql}
 * @param memberSlotsTtl seconds the primary keeps the replication slot of a member that left the
 *     cluster (no member key) before dropping it (Patroni 4's {@code member_slots_ttl}, default 30min;
 *     0 drops it as soon as the member key is gone)
 * @param fastFailover pgha's own setting (not Patroni's): in synchronous mode, after the loss of the
 *     primary's node the coordinator detaches the synchronous standbys and promotes one without
 *     waiting for the old leader key's lease to expire; in asynchronous mode the same once every
 *     declared router fenced the old primary (failover-coordinator's DESIGN.md, "Fast failover"); on
 *     by default since the 100-fault chaos runs (synchronous and asynchronous) and the soak with it on
 *     (docs/chaos.md); a cluster whose stored config says {@code false} keeps it
 * @param slots Patroni's {@code slots}: permanent replication slots by name, created on the primary and
 *     kept on the replicas (node-agent's DESIGN.md, "Permanent slots")
 * @param ignoreSlots Patroni's {@code ignore_slots}: slots matching one of these are never dropped
 * @param failsafeMode Patroni's {@code failsafe_mode}: a primary that cannot reach etcd keeps running
 *     while every other member of {@code /failsafe} confirms it over REST (node-agent's DESIGN.md,
 *     "Failsafe mode"); off by default
 * @param maximumLagOnSyncnode Patroni's {@code maximum_lag_on_syncnode}: bytes a synchronous standby may
 *     be behind (the most advanced standby, or the primary when there is only one standby) before a
 *     healthy standby that is not behind takes its place; 0 or below (Patroni's default -1) never swaps
 * @param synchronousQuorum {@code synchronous_mode: "quorum"} (Patroni 4's quorum commit): the primary
 *     applies {@code ANY k (..)} and a failover needs a quorum of the voters (failover-coordinator's
 *     DESIGN.md, "Quorum commit"); {@code synchronousMode} is true with it
 */
public record DynamicConfig(
        int ttl,
        int loopWait,
        int retryTimeout,
        int primaryStartTimeout,
        int primaryStopTimeout,
        long maximumLagOnFailover,
        boolean synchronousMode,
        boolean synchronousModeStrict,
        int synchronousNodeCount,
        boolean pause,
        boolean checkTimeline,
        Postgresql postgresql,
        int memberSlotsTtl,
        boolean fastFailover,
        Map<String, Slot> slots,
        List<IgnoreSlot> ignoreSlots,
        boolean failsafeMode,
        long maximumLagOnSyncnode,
        boolean synchronousQuorum) {

    /** PostgreSQL's replication slot names: 1-63 of a-z, 0-9 and _. */
    public static final java.util.regex.Pattern SLOT_NAME = java.util.regex.Pattern.compile("[a-z0-9_]{1,63}");

    /** A database or output plugin name a permanent logical slot may use: a plain identifier. */
    public static final java.util.regex.Pattern IDENTIFIER =
            java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_$-]{0,62}");

    /**
     * A permanent replication slot ({@code slots.<name>}, Patroni's shape): {@code {"type": "physical"}}
     * (also {@code {}}), or {@code {"type": "logical", "database": d, "plugin": p}}.
     *
     * @param type {@code physical} or {@code logical}
     * @param database the database of a logical slot (null for a physical one)
     * @param plugin the output plugin of a logical slot (null for a physical one)
     */
    public record Slot(String type, String database, String plugin) {
        public static final Slot PHYSICAL = new Slot("physical", null, null);

        public boolean logical() {
            return "logical".equals(type);
        }

        Map<String, Object> patroniShape() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", type);
            if (logical()) {
                m.put("database", database);
                m.put("plugin", plugin);
            }
            return m;
        }
    }

    /**
     * One entry of {@code ignore_slots}: slots that match every property given here (null: any) are
     * left alone (never created, advanced or dropped), as in Patroni.
     */
    public record IgnoreSlot(String name, String type, String database, String plugin) {
        /** Whether a slot with these properties (database and plugin null for a physical one) matches. */
        public boolean matches(String slotName, String slotType, String slotDatabase, String slotPlugin) {
            return (name == null || name.equals(slotName))
                    && (type == null || type.equals(slotType))
                    && (database == null || database.equals(slotDatabase))
                    && (plugin == null || plugin.equals(slotPlugin));
        }

        Map<String, Object> patroniShape() {
            Map<String, Object> m = new LinkedHashMap<>();
            if (name != null) m.put("name", name);
            if (type != null) m.put("type", type);
            if (database != null) m.put("database", database);
            if (plugin != null) m.put("plugin", plugin);
            return m;
        }
    }

    /** Whether {@code ignore_slots} matches a slot with these properties. */
    public boolean ignored(String slotName, String slotType, String slotDatabase, String slotPlugin) {
        return ignoreSlots.stream().anyMatch(i -> i.matches(slotName, slotType, slotDatabase, slotPlugin));
    }

    /**
     * The settings under {@code postgresql}.
     *
     * @param usePgRewind whether a diverged former primary is rewound (else re-cloned)
     * @param useSlots whether replicas stream through replication slots (pgha always does: only true is
     *     accepted)
     * @param parameters PostgreSQL parameters every agent writes into the configuration it generates,
     *     as text (see {@link PgParameters#read})
     * @param pgHba Patroni's {@code pg_hba}: lines every agent writes into pg_hba.conf after its own
     *     (node-agent's DESIGN.md, "pg_hba and pg_ident"); empty: the agent's own pg_hba.conf
     * @param pgIdent Patroni's {@code pg_ident}: the lines of pg_ident.conf (see {@link PgHba})
     */
    public record Postgresql(
            boolean usePgRewind,
            boolean useSlots,
            Map<String, String> parameters,
            List<String> pgHba,
            List<String> pgIdent) {
        public Postgresql {
            parameters =
                    parameters == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(parameters));
            pgHba = pgHba == null ? List.of() : List.copyOf(pgHba);
            pgIdent = pgIdent == null ? List.of() : List.copyOf(pgIdent);
        }

        /** No pg_hba or pg_ident lines. */
        public Postgresql(boolean usePgRewind, boolean useSlots, Map<String, String> parameters) {
            this(usePgRewind, useSlots, parameters, List.of(), List.of());
        }

        /** Rewind on, slots on, no parameters. */
        public static final Postgresql DEFAULTS = new Postgresql(true, true, Map.of());
    }

    /**
     * ttl 10 s, loop_wait 1 s, retry_timeout 3 s, primary_start_timeout 10 s, primary_stop_timeout 0,
     * 1 MiB, asynchronous (1 synchronous standby when switched on), not paused, no timeline check,
     * rewind on, slots on, no parameters.
     */
    public static final DynamicConfig DEFAULTS = new DynamicConfig(10, 1, 3, 10, 1L << 20, true);

    /** The longest ttl: an hour (a member that died is noticed only after ttl). */
    public static final int MAX_TTL = 3600;

    /** The longest loop_wait: five minutes. */
    public static final int MAX_LOOP_WAIT = 300;

    /** The longest retry_timeout: ten minutes. */
    public static final int MAX_RETRY_TIMEOUT = 600;

    /** The longest primary_start_timeout and primary_stop_timeout: an hour. */
    public static final int MAX_PRIMARY_START_TIMEOUT = 3600;

    /** The largest maximum_lag_on_failover: 1 TiB (more is "any lag"). */
    public static final long MAX_LAG = 1L << 40;

    /** Patroni's default maximum_lag_on_syncnode: -1 (a synchronous standby is never swapped for lag). */
    public static final long DEFAULT_MAXIMUM_LAG_ON_SYNCNODE = -1;

    /** Patroni 4's default member_slots_ttl: 30 minutes. */
    public static final int DEFAULT_MEMBER_SLOTS_TTL = 1800;

    /** The longest member_slots_ttl: a week (a departed member's slot holds WAL back all that time). */
    public static final int MAX_MEMBER_SLOTS_TTL = 7 * 24 * 3600;

    /** The most synchronous standbys a primary waits for. */
    public static final int MAX_SYNCHRONOUS_NODE_COUNT = 32;

    /** The settings' names, as in etcd and in Patroni (nested ones with their full dotted names). */
    public static final List<String> KEYS = List.of(
            "ttl",
            "loop_wait",
            "retry_timeout",
            "primary_start_timeout",
            "primary_stop_timeout",
            "maximum_lag_on_failover",
            "maximum_lag_on_syncnode",
            "synchronous_mode",
            "synchronous_mode_strict",
            "synchronous_node_count",
            "pause",
            "check_timeline",
            "fast_failover",
            "postgresql",
            "postgresql.use_pg_rewind",
            "postgresql.use_slots",
            "postgresql.parameters",
            "postgresql.pg_hba",
            "postgresql.pg_ident",
            "member_slots_ttl",
            "slots",
            "ignore_slots",
            "failsafe_mode");

    /**
     * Patroni's dynamic settings pgha does not carry out yet: refused when the config is changed rather
     * than stored and ignored. The value says what pgha does instead, where that helps.
     */
    public static final Map<String, String> UNSUPPORTED = unsupported();

    /** Where a config written before the nested shape kept {@code postgresql.use_pg_rewind}. */
    public static final String LEGACY_USE_PG_REWIND = "use_pg_rewind";

    private static final System.Logger LOG = System.getLogger(DynamicConfig.class.getName());
    private static final java.util.concurrent.atomic.AtomicReference<List<String>> LAST_UNKNOWN =
            new java.util.concurrent.atomic.AtomicReference<>(List.of());

    private static Map<String, String> unsupported() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("standby_cluster", "");
        m.put("max_timelines_history", " (pgha keeps the whole history)");
        m.put("primary_race_backoff", "");
        m.put("master_start_timeout", " (Patroni's old name: use primary_start_timeout)");
        m.put("master_stop_timeout", " (Patroni's old name: use primary_stop_timeout)");
        m.put("postgresql.recovery_conf", " (the agent writes the recovery settings itself)");
        return java.util.Collections.unmodifiableMap(m);
    }

    /** The timing and failover settings, every other one at its default (as the agent's {@code pgha.dcs.*}). */
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
                0,
                maximumLagOnFailover,
                false,
                false,
                1,
                false,
                false,
                new Postgresql(usePgRewind, true, Map.of()),
                DEFAULT_MEMBER_SLOTS_TTL,
                true,
                Map.of(),
                List.of(),
                false,
                DEFAULT_MAXIMUM_LAG_ON_SYNCNODE,
                false);
    }

    /** This config with {@code synchronous_mode: "quorum"} ({@code on}) or as it is otherwise. */
    public DynamicConfig withSynchronousQuorum(boolean on) {
        return new DynamicConfig(
                ttl,
                loopWait,
                retryTimeout,
                primaryStartTimeout,
                primaryStopTimeout,
                maximumLagOnFailover,
                synchronousMode || on,
                synchronousModeStrict,
                synchronousNodeCount,
                pause,
                checkTimeline,
                postgresql,
                memberSlotsTtl,
                fastFailover,
                slots,
                ignoreSlots,
                failsafeMode,
                maximumLagOnSyncnode,
                on);
    }

    /** This config with {@code maximum_lag_on_syncnode} set to {@code bytes}. */
    public DynamicConfig withMaximumLagOnSyncnode(long bytes) {
        return new DynamicConfig(
                ttl,
                loopWait,
                retryTimeout,
                primaryStartTimeout,
                primaryStopTimeout,
                maximumLagOnFailover,
                synchronousMode,
                synchronousModeStrict,
                synchronousNodeCount,
                pause,
                checkTimeline,
                postgresql,
                memberSlotsTtl,
                fastFailover,
                slots,
                ignoreSlots,
                failsafeMode,
                bytes,
                synchronousQuorum);
    }

    /** This config with {@code failsafe_mode} set to {@code on}. */
    public DynamicConfig withFailsafeMode(boolean on) {
        return new DynamicConfig(
                ttl,
                loopWait,
                retryTimeout,
                primaryStartTimeout,
                primaryStopTimeout,
                maximumLagOnFailover,
                synchronousMode,
                synchronousModeStrict,
                synchronousNodeCount,
                pause,
                checkTimeline,
                postgresql,
                memberSlotsTtl,
                fastFailover,
                slots,
                ignoreSlots,
                on,
                maximumLagOnSyncnode,
                synchronousQuorum);
    }

    public DynamicConfig {
        synchronousMode = synchronousMode || synchronousQuorum;
        postgresql = postgresql == null ? Postgresql.DEFAULTS : postgresql;
        slots = slots == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(slots));
        ignoreSlots = ignoreSlots == null ? List.of() : List.copyOf(ignoreSlots);
    }

    /** {@code postgresql.use_pg_rewind}: whether a diverged former primary is rewound (else re-cloned). */
    public boolean usePgRewind() {
        return postgresql.usePgRewind();
    }

    /** {@code postgresql.parameters}, as text. */
    public Map<String, String> parameters() {
        return postgresql.parameters();
    }

    /** The problems with these values, each naming the property and the rule; empty when valid. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        seconds(problems, "ttl", ttl, 1, MAX_TTL);
        seconds(problems, "loop_wait", loopWait, 1, MAX_LOOP_WAIT);
        seconds(problems, "retry_timeout", retryTimeout, 1, MAX_RETRY_TIMEOUT);
        seconds(problems, "primary_start_timeout", primaryStartTimeout, 0, MAX_PRIMARY_START_TIMEOUT);
        seconds(problems, "primary_stop_timeout", primaryStopTimeout, 0, MAX_PRIMARY_START_TIMEOUT);
        seconds(problems, "member_slots_ttl", memberSlotsTtl, 0, MAX_MEMBER_SLOTS_TTL);
        if (maximumLagOnFailover < 0 || maximumLagOnFailover > MAX_LAG) {
            problems.add(
                    "maximum_lag_on_failover must be 0 to " + MAX_LAG + " bytes (1TB), got " + maximumLagOnFailover);
        }
        if (maximumLagOnSyncnode < -1 || maximumLagOnSyncnode > MAX_LAG) {
            problems.add("maximum_lag_on_syncnode must be -1 (never swap a synchronous standby for lag) to " + MAX_LAG
                    + " bytes (1TB), got " + maximumLagOnSyncnode);
        }
        if (synchronousNodeCount < 1 || synchronousNodeCount > MAX_SYNCHRONOUS_NODE_COUNT) {
            problems.add("synchronous_node_count must be 1 to " + MAX_SYNCHRONOUS_NODE_COUNT + ", got "
                    + synchronousNodeCount);
        }
        if (problems.isEmpty() && loopWait + 2L * retryTimeout > ttl) {
            problems.add("loop_wait + 2 x retry_timeout must be at most ttl, got loop_wait=" + loopWait
                    + " + 2 x retry_timeout=" + retryTimeout + " = " + (loopWait + 2L * retryTimeout) + " > ttl="
                    + ttl + ": raise ttl or lower loop_wait/retry_timeout");
        }
        if (!postgresql.useSlots()) {
            problems.add(unsupported(
                    "postgresql.use_slots false", " (every replica streams through its own" + " physical slot)"));
        }
        problems.addAll(PgParameters.problems(postgresql.parameters()));
        problems.addAll(PgHba.hbaProblems(postgresql.pgHba()));
        problems.addAll(PgHba.identProblems(postgresql.pgIdent()));
        return problems;
    }

    /**
     * The keys of the JSON object {@code json} that are neither settings ({@link #KEYS}) nor Patroni
     * settings pgha does not support yet ({@link #UNSUPPORTED}), with their full dotted names, sorted.
     * The names under {@code postgresql.parameters} are PostgreSQL's ({@link PgParameters}).
     */
    public static List<String> unknownKeys(String json) {
        return unknownKeys(migrated(object(json)));
    }

    /**
     * Every problem with the config JSON {@code json} as a change would store it: a key that is not a
     * setting, a Patroni setting pgha does not support yet, a value of the wrong type, a value out of
     * bounds, a PostgreSQL parameter that may not be set. Empty when it may be stored. A top-level
     * {@code use_pg_rewind} (the shape before {@code postgresql}) counts as {@code
     * postgresql.use_pg_rewind}.
     */
    public static List<String> problemsIn(String json) {
        List<String> problems = new ArrayList<>();
        try {
            ObjectNode node = migrated(object(json));
            List<String> unknown = unknownKeys(node);
            if (!unknown.isEmpty()) {
                problems.add("unknown setting(s) "
                        + unknown.stream()
                                .map(k -> "'" + PgParameters.Printable.of(k) + "'")
                                .collect(java.util.stream.Collectors.joining(", "))
                        + " (the settings are " + String.join(", ", KEYS) + "); remove one that is stored already"
                        + " with {\"<name>\": null}");
            }
            for (String key : UNSUPPORTED.keySet()) {
                if (present(node, key)) {
                    problems.add(unsupported(key, UNSUPPORTED.get(key)));
                }
            }
            JsonNode postgresql = node.get("postgresql");
            if (postgresql != null && postgresql.isObject()) {
                problems.addAll(PgParameters.shapeProblems(postgresql.get("parameters")));
                List<String> lists = new ArrayList<>();
                lists.addAll(PgHba.shapeProblems("postgresql.pg_hba", postgresql.get("pg_hba")));
                lists.addAll(PgHba.shapeProblems("postgresql.pg_ident", postgresql.get("pg_ident")));
                if (!lists.isEmpty()) {
                    problems.addAll(lists);
                    return problems;
                }
            }
            problems.addAll(read(node).problems());
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
     * Reads the JSON kept in etcd; a missing field takes its {@link #DEFAULTS} value, a top-level {@code
     * use_pg_rewind} counts as {@code postgresql.use_pg_rewind}. Does not validate bounds. Unknown and
     * unsupported keys are ignored (logged once per distinct set, not at every read).
     */
    public static DynamicConfig fromJson(String json) {
        ObjectNode node = migrated(object(json));
        List<String> ignored = new ArrayList<>(unknownKeys(node));
        UNSUPPORTED.keySet().stream().filter(k -> present(node, k)).forEach(ignored::add);
        if (!ignored.isEmpty() && !ignored.equals(LAST_UNKNOWN.getAndSet(ignored))) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "ignoring unknown or unsupported setting(s) " + ignored + " in the dynamic config; remove"
                            + " them with PATCH /api/v1/clusters/<cluster>/config {\"<name>\": null}");
        }
        return read(node);
    }

    /**
     * A copy of the config object {@code node} in Patroni's shape: a top-level {@code use_pg_rewind}
     * (pgha's shape before {@code postgresql}) moves to {@code postgresql.use_pg_rewind} unless that is
     * set already. Anything else is left as it is (a {@code postgresql} that is not an object is left
     * for validation to name).
     */
    public static ObjectNode migrated(JsonNode node) {
        ObjectNode copy = node instanceof ObjectNode o ? o.deepCopy() : Json.MAPPER.createObjectNode();
        if (!copy.has(LEGACY_USE_PG_REWIND)) {
            return copy;
        }
        JsonNode postgresql = copy.get("postgresql");
        if (postgresql != null && !postgresql.isNull() && !postgresql.isObject()) {
            return copy;
        }
        JsonNode legacy = copy.remove(LEGACY_USE_PG_REWIND);
        ObjectNode nested = postgresql instanceof ObjectNode o ? o : copy.putObject("postgresql");
        if (!nested.has("use_pg_rewind")) {
            nested.set("use_pg_rewind", legacy);
        }
        return copy;
    }

    private static DynamicConfig read(ObjectNode node) {
        DynamicConfig d = DEFAULTS;
        JsonNode pg = node.get("postgresql");
        if (pg != null && !pg.isNull() && !pg.isObject()) {
            throw new IllegalArgumentException("postgresql must be an object, e.g. {\"use_pg_rewind\": true}, got "
                    + PgParameters.Printable.of(pg.toString()));
        }
        ObjectNode pgNode = pg instanceof ObjectNode o ? o : Json.MAPPER.createObjectNode();
        return new DynamicConfig(
                intField(node, "ttl", "ttl", d.ttl),
                intField(node, "loop_wait", "loop_wait", d.loopWait),
                intField(node, "retry_timeout", "retry_timeout", d.retryTimeout),
                intField(node, "primary_start_timeout", "primary_start_timeout", d.primaryStartTimeout),
                intField(node, "primary_stop_timeout", "primary_stop_timeout", d.primaryStopTimeout),
                node.has("maximum_lag_on_failover")
                                && !node.get("maximum_lag_on_failover").isNull()
                        ? sizeField("maximum_lag_on_failover", node.get("maximum_lag_on_failover"))
                        : d.maximumLagOnFailover,
                synchronousModeField(node, d.synchronousMode),
                boolField(node, "synchronous_mode_strict", "synchronous_mode_strict", d.synchronousModeStrict),
                intField(node, "synchronous_node_count", "synchronous_node_count", d.synchronousNodeCount),
                boolField(node, "pause", "pause", d.pause),
                boolField(node, "check_timeline", "check_timeline", d.checkTimeline),
                new Postgresql(
                        boolField(pgNode, "use_pg_rewind", "postgresql.use_pg_rewind", d.usePgRewind()),
                        boolField(pgNode, "use_slots", "postgresql.use_slots", true),
                        PgParameters.read(pgNode.get("parameters")),
                        PgHba.read("postgresql.pg_hba", pgNode.get("pg_hba")),
                        PgHba.read("postgresql.pg_ident", pgNode.get("pg_ident"))),
                secondsField(node, "member_slots_ttl", d.memberSlotsTtl),
                boolField(node, "fast_failover", "fast_failover", d.fastFailover),
                slotsField(node.get("slots")),
                ignoreSlotsField(node.get("ignore_slots")),
                boolField(node, "failsafe_mode", "failsafe_mode", d.failsafeMode),
                node.has("maximum_lag_on_syncnode")
                                && !node.get("maximum_lag_on_syncnode").isNull()
                        ? sizeField("maximum_lag_on_syncnode", node.get("maximum_lag_on_syncnode"))
                        : d.maximumLagOnSyncnode,
                quorumMode(node));
    }

    /** {@code synchronous_mode}: true, false or {@code "quorum"} (which is a synchronous mode). */
    private static boolean synchronousModeField(ObjectNode node, boolean fallback) {
        if (quorumMode(node)) {
            return true;
        }
        JsonNode value = node.get("synchronous_mode");
        if (value != null && !value.isNull() && !value.isBoolean()) {
            throw new IllegalArgumentException("synchronous_mode must be true, false or \"quorum\", got "
                    + PgParameters.Printable.of(value.toString()));
        }
        return boolField(node, "synchronous_mode", "synchronous_mode", fallback);
    }

    /** {@code synchronous_mode: "quorum"}. */
    private static boolean quorumMode(ObjectNode node) {
        JsonNode value = node.get("synchronous_mode");
        return value != null && value.isTextual() && value.asText().equals("quorum");
    }

    /** {@code slots}: a JSON object of permanent slots by name; every problem names the key. */
    private static Map<String, Slot> slotsField(JsonNode value) {
        if (value == null || value.isNull()) {
            return Map.of();
        }
        if (!value.isObject()) {
            throw new IllegalArgumentException("slots must be an object of permanent slots by name, e.g."
                    + " {\"my_slot\": {\"type\": \"physical\"}}, got " + PgParameters.Printable.of(value.toString()));
        }
        List<String> problems = new ArrayList<>();
        Map<String, Slot> slots = new TreeMap<>();
        value.fields().forEachRemaining(e -> {
            String key = "slots." + PgParameters.Printable.of(e.getKey());
            if (!SLOT_NAME.matcher(e.getKey()).matches()) {
                problems.add(key + ": a replication slot name is 1-63 of a-z, 0-9 and _");
                return;
            }
            JsonNode slot = e.getValue();
            if (slot == null || slot.isNull()) {
                return; // removed by a merge patch
            }
            if (!slot.isObject()) {
                problems.add(key + " must be an object, {\"type\": \"physical\"} or {\"type\": \"logical\","
                        + " \"database\": ..., \"plugin\": ...}, got " + PgParameters.Printable.of(slot.toString()));
                return;
            }
            List<String> unknown = new ArrayList<>();
            slot.fieldNames().forEachRemaining(f -> {
                if (!List.of("type", "database", "plugin").contains(f)) {
                    unknown.add(key + "." + PgParameters.Printable.of(f));
                }
            });
            if (!unknown.isEmpty()) {
                problems.add("unknown setting(s) " + unknown + " (a slot has type, database and plugin)");
                return;
            }
            String type = slot.path("type").isMissingNode() || slot.path("type").isNull()
                    ? "physical"
                    : slot.path("type").asText();
            if (!slot.path("type").isMissingNode()
                            && !slot.path("type").isNull()
                            && !slot.path("type").isTextual()
                    || !type.equals("physical") && !type.equals("logical")) {
                problems.add(key + ".type must be physical or logical, got "
                        + PgParameters.Printable.of(slot.path("type").toString()));
                return;
            }
            if (type.equals("physical")) {
                if (slot.has("database") || slot.has("plugin")) {
                    problems.add(key + ": a physical slot has no database or plugin (set type logical for a logical"
                            + " slot)");
                    return;
                }
                slots.put(e.getKey(), Slot.PHYSICAL);
                return;
            }
            String database = identifier(problems, key + ".database", slot.get("database"), true);
            String plugin = identifier(problems, key + ".plugin", slot.get("plugin"), true);
            if (database != null && plugin != null) {
                slots.put(e.getKey(), new Slot("logical", database, plugin));
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return slots;
    }

    /** {@code ignore_slots}: a JSON array of matchers with name, type, database and plugin (each optional). */
    private static List<IgnoreSlot> ignoreSlotsField(JsonNode value) {
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new IllegalArgumentException("ignore_slots must be a list of matchers, e.g. [{\"name\": \"my_slot\"},"
                    + " {\"type\": \"logical\", \"database\": \"app\"}], got "
                    + PgParameters.Printable.of(value.toString()));
        }
        List<String> problems = new ArrayList<>();
        List<IgnoreSlot> matchers = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            String key = "ignore_slots[" + i + "]";
            JsonNode m = value.get(i);
            if (!m.isObject() || m.isEmpty()) {
                problems.add(key + " must be an object with one or more of name, type, database, plugin, got "
                        + PgParameters.Printable.of(m.toString()));
                continue;
            }
            List<String> unknown = new ArrayList<>();
            m.fieldNames().forEachRemaining(f -> {
                if (!List.of("name", "type", "database", "plugin").contains(f)) {
                    unknown.add(key + "." + PgParameters.Printable.of(f));
                }
            });
            if (!unknown.isEmpty()) {
                problems.add("unknown setting(s) " + unknown + " (a matcher has name, type, database and plugin)");
                continue;
            }
            int before = problems.size();
            String name = null;
            JsonNode n = m.get("name");
            if (n != null && !n.isNull()) {
                if (!n.isTextual() || !SLOT_NAME.matcher(n.asText()).matches()) {
                    problems.add(key + ".name: a replication slot name is 1-63 of a-z, 0-9 and _, got "
                            + PgParameters.Printable.of(n.toString()));
                } else {
                    name = n.asText();
                }
            }
            String type = null;
            JsonNode t = m.get("type");
            if (t != null && !t.isNull()) {
                if (!t.isTextual()
                        || !t.asText().equals("physical") && !t.asText().equals("logical")) {
                    problems.add(
                            key + ".type must be physical or logical, got " + PgParameters.Printable.of(t.toString()));
                } else {
                    type = t.asText();
                }
            }
            String database = identifier(problems, key + ".database", m.get("database"), false);
            String plugin = identifier(problems, key + ".plugin", m.get("plugin"), false);
            if ("physical".equals(type) && (database != null || plugin != null)) {
                problems.add(key + ": a physical slot has no database or plugin");
            }
            if (problems.size() == before) {
                matchers.add(new IgnoreSlot(name, type, database, plugin));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return matchers;
    }

    private static String identifier(List<String> problems, String key, JsonNode value, boolean required) {
        if (value == null || value.isNull()) {
            if (required) {
                problems.add(key + " is required for a logical slot");
            }
            return null;
        }
        if (!value.isTextual() || !IDENTIFIER.matcher(value.asText()).matches()) {
            problems.add(key + " must be a name of 1-63 letters, digits, _, $ or - (not starting with a digit), got "
                    + PgParameters.Printable.of(value.toString()));
            return null;
        }
        return value.asText();
    }

    /** Whole seconds, as a number or as Patroni writes them: {@code "30min"}, {@code "90s"}, {@code "1h"}, {@code "1d"}. */
    private static int secondsField(ObjectNode node, String name, int fallback) {
        if (!node.has(name) || node.get(name).isNull()) {
            return fallback;
        }
        JsonNode value = node.get(name);
        if (value.isIntegralNumber() && value.canConvertToInt()) {
            return value.asInt();
        }
        java.util.regex.Matcher m = value.isTextual()
                ? java.util.regex.Pattern.compile("(\\d{1,9})\\s*(s|min|h|d)?")
                        .matcher(value.asText().strip())
                : null;
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException(name + " must be whole seconds or a duration like 30min, 90s, 1h or 1d,"
                    + " got " + PgParameters.Printable.of(value.toString()));
        }
        long n = Long.parseLong(m.group(1));
        long seconds =
                switch (m.group(2) == null ? "s" : m.group(2)) {
                    case "min" -> n * 60;
                    case "h" -> n * 3600;
                    case "d" -> n * 86400;
                    default -> n;
                };
        return (int) Math.min(Integer.MAX_VALUE, seconds);
    }

    private static ObjectNode object(String json) {
        JsonNode node = Json.read(json, JsonNode.class, "dynamic config");
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("dynamic config must be a JSON object, got " + json);
        }
        return (ObjectNode) node;
    }

    private static List<String> unknownKeys(ObjectNode node) {
        List<String> unknown = new ArrayList<>();
        node.fieldNames().forEachRemaining(name -> {
            if (!KEYS.contains(name) && !UNSUPPORTED.containsKey(name)) {
                unknown.add(name);
            }
        });
        if (node.get("postgresql") instanceof ObjectNode pg) {
            pg.fieldNames().forEachRemaining(name -> {
                String full = "postgresql." + name;
                if (!KEYS.contains(full) && !UNSUPPORTED.containsKey(full)) {
                    unknown.add(full);
                }
            });
        }
        return unknown.stream().sorted().toList();
    }

    /** Whether the dotted {@code key} (one or two levels) is set to something other than null. */
    private static boolean present(ObjectNode node, String key) {
        int dot = key.indexOf('.');
        JsonNode value =
                dot < 0 ? node.get(key) : node.path(key.substring(0, dot)).get(key.substring(dot + 1));
        return value != null && !value.isNull();
    }

    private static String unsupported(String key, String hint) {
        return key + " is a Patroni setting pgha does not support yet" + hint;
    }

    private static boolean boolField(ObjectNode node, String name, String full, boolean fallback) {
        if (!node.has(name) || node.get(name).isNull()) {
            return fallback;
        }
        JsonNode value = node.get(name);
        if (!value.isBoolean()) {
            throw new IllegalArgumentException(
                    full + " must be true or false, got " + PgParameters.Printable.of(value.toString()));
        }
        return value.asBoolean();
    }

    /** This config in Patroni's shape, as stored in etcd and answered by the APIs. */
    @JsonValue
    public Map<String, Object> patroniShape() {
        Map<String, Object> pg = new LinkedHashMap<>();
        pg.put("use_pg_rewind", postgresql.usePgRewind());
        pg.put("use_slots", postgresql.useSlots());
        pg.put("parameters", postgresql.parameters());
        if (!postgresql.pgHba().isEmpty()) {
            pg.put("pg_hba", postgresql.pgHba());
        }
        if (!postgresql.pgIdent().isEmpty()) {
            pg.put("pg_ident", postgresql.pgIdent());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ttl", ttl);
        m.put("loop_wait", loopWait);
        m.put("retry_timeout", retryTimeout);
        m.put("primary_start_timeout", primaryStartTimeout);
        m.put("primary_stop_timeout", primaryStopTimeout);
        m.put("maximum_lag_on_failover", maximumLagOnFailover);
        m.put("maximum_lag_on_syncnode", maximumLagOnSyncnode);
        m.put("synchronous_mode", synchronousQuorum ? (Object) "quorum" : (Object) synchronousMode);
        m.put("synchronous_mode_strict", synchronousModeStrict);
        m.put("synchronous_node_count", synchronousNodeCount);
        m.put("pause", pause);
        m.put("check_timeline", checkTimeline);
        m.put("fast_failover", fastFailover);
        m.put("failsafe_mode", failsafeMode);
        m.put("postgresql", pg);
        m.put("member_slots_ttl", memberSlotsTtl);
        if (!slots.isEmpty()) {
            Map<String, Object> permanent = new LinkedHashMap<>();
            slots.forEach((name, slot) -> permanent.put(name, slot.patroniShape()));
            m.put("slots", permanent);
        }
        if (!ignoreSlots.isEmpty()) {
            m.put(
                    "ignore_slots",
                    ignoreSlots.stream().map(IgnoreSlot::patroniShape).toList());
        }
        return m;
    }

    public String toJson() {
        return Json.write(this);
    }

    private static int intField(ObjectNode node, String name, String full, int fallback) {
        if (!node.has(name) || node.get(name).isNull()) {
            return fallback;
        }
        JsonNode value = node.get(name);
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new IllegalArgumentException(
                    full + " must be a whole number, got " + PgParameters.Printable.of(value.toString()));
        }
        return value.asInt();
    }

    private static long sizeField(String name, JsonNode value) {
        if (value.isNumber()) {
            if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                throw new IllegalArgumentException(
                        name + " must be a whole number of bytes or a size like 16MB, got " + value);
            }
            return value.asLong();
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(
                    name + " must be a whole number of bytes or a size like 16MB, got " + value);
        }
        if (value.asText().strip().matches("-\\d{1,18}")) {
            return Long.parseLong(value.asText().strip()); // "-1" as a string (bounds: problems())
        }
        try {
            return ByteSize.parse(value.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage());
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

    /** {@code member_slots_ttl}: how long a departed member's replication slot is kept. */
    public Duration memberSlotsTtlDuration() {
        return Duration.ofSeconds(memberSlotsTtl);
    }

    /** {@code primary_stop_timeout}; {@link Duration#ZERO} when it does not apply. */
    public Duration primaryStopTimeoutDuration() {
        return Duration.ofSeconds(primaryStopTimeout);
    }

    /**
     * How long a primary's fast shutdown may run before its agent escalates it (immediate shutdown, then
     * SIGKILL): {@code configured} (the agent's pgha.postgres.stop-timeout), shortened to {@code
     * primary_stop_timeout} when that is set (above 0) and synchronous mode is on, as in Patroni.
     */
    public Duration primaryStopTimeout(Duration configured) {
        Duration dynamic = primaryStopTimeoutDuration();
        if (!synchronousMode || dynamic.isZero() || dynamic.compareTo(configured) >= 0) {
            return configured;
        }
        return dynamic;
    }

    private static void seconds(List<String> problems, String name, int value, int min, int max) {
        if (value < min || value > max) {
            problems.add(name + " must be " + min + " to " + max + " seconds, got " + value);
        }
    }
}
