package io.pgha.renderer.config;

import io.pgha.renderer.pool.PoolSettings;
import io.pgha.renderer.pool.limits.PoolLimits;
import io.pgha.renderer.render.ClusterPorts;
import io.pgha.renderer.render.RenderSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Turns {@link RendererConfig} into {@link RenderSettings}, refusing combinations that cannot work. */
public final class RendererSettings {
    private static final Pattern LAG = Pattern.compile("[0-9]+(B|kB|MB|GB|TB)?");
    private static final Pattern DATABASE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,59}");
    private static final Pattern ROLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final Duration HARD_STOP_AFTER_MAX = Duration.ofSeconds(30);
    private static final PoolLimits.Names LIMIT_NAMES = new PoolLimits.Names(
            "pgha.renderer.pool.max-connections (PostgreSQL's max_connections)",
            "pgha.renderer.pool.superuser-reserved-connections",
            "pgha.renderer.pool.other-connections",
            "pgha.renderer.pool.instances",
            "databases reaching the primary (pgha.renderer.pool.databases, <db> and <db>_ro while"
                    + " pgha.renderer.read-only.fallback-to-primary)",
            "pgha.renderer.pool.users-per-database",
            "pgha.renderer.pool.default-pool-size",
            "pgha.renderer.pool.reserve-pool-size",
            "pgha.renderer.pool.max-db-connections",
            "pgha.renderer.pool.max-client-conn");
    private static final Set<String> MODES = Set.of("transaction", "session");
    private static final Set<String> BALANCE = Set.of("roundrobin", "static-rr", "leastconn", "first", "source");

    private RendererSettings() {}

    /**
     * The render settings.
     *
     * @throws IllegalArgumentException naming every property that is wrong and the rule it breaks
     */
    private static final java.util.regex.Pattern CA_PATH = java.util.regex.Pattern.compile("/[A-Za-z0-9_./+-]+");

    public static RenderSettings from(RendererConfig config) {
        List<String> problems = new ArrayList<>();
        Map<Integer, String> ports = new HashMap<>();
        port(problems, ports, config.statsPort(), "pgha.renderer.stats-port");
        Map<String, ClusterPorts> clusters = new TreeMap<>();
        config.clusters().forEach((name, cluster) -> {
            String prefix = "pgha.renderer.clusters.\"" + name + "\".";
            port(problems, ports, cluster.readWritePort(), prefix + "read-write-port");
            port(problems, ports, cluster.readOnlyPort(), prefix + "read-only-port");
            clusters.put(name, new ClusterPorts(cluster.readWritePort(), cluster.readOnlyPort()));
        });
        positive(problems, config.checks().inter(), "pgha.renderer.checks.inter");
        positive(problems, config.checks().timeout(), "pgha.renderer.checks.timeout");
        positive(problems, config.readOnly().checkInter(), "pgha.renderer.read-only.check-inter");
        positive(problems, config.timeouts().connect(), "pgha.renderer.timeouts.connect");
        positive(problems, config.timeouts().client(), "pgha.renderer.timeouts.client");
        positive(problems, config.timeouts().server(), "pgha.renderer.timeouts.server");
        positive(problems, config.haproxy().validateTimeout(), "pgha.renderer.haproxy.validate-timeout");
        positive(problems, config.haproxy().reloadTimeout(), "pgha.renderer.haproxy.reload-timeout");
        positive(problems, config.retryInterval(), "pgha.renderer.retry-interval");
        if (config.reportTtl().compareTo(Duration.ofSeconds(2)) < 0) {
            problems.add("pgha.renderer.report-ttl=" + config.reportTtl()
                    + " must be at least 2 s (etcd leases have whole seconds; it is renewed every third)");
        }
        if (config.checks().fall() < 1) {
            problems.add("pgha.renderer.checks.fall=" + config.checks().fall() + " must be at least 1");
        }
        if (config.checks().rise() < 1) {
            problems.add("pgha.renderer.checks.rise=" + config.checks().rise() + " must be at least 1");
        }
        if (!LAG.matcher(config.readOnly().maxLag()).matches()) {
            problems.add("pgha.renderer.read-only.max-lag=" + config.readOnly().maxLag()
                    + " must be bytes, optionally with a unit: 1048576, 16MB, 1GB");
        }
        if (!BALANCE.contains(config.readOnly().balance())) {
            problems.add("pgha.renderer.read-only.balance=" + config.readOnly().balance() + " must be one of "
                    + new TreeSet<>(BALANCE));
        }
        if (config.maxconn() < 1) {
            problems.add("pgha.renderer.maxconn=" + config.maxconn() + " must be at least 1");
        }
        if (config.hardStopAfter().toMillis() < 1 || config.hardStopAfter().compareTo(HARD_STOP_AFTER_MAX) > 0) {
            problems.add("pgha.renderer.hard-stop-after=" + config.hardStopAfter() + " must be between 1 ms and "
                    + HARD_STOP_AFTER_MAX + ": an old HAProxy worker runs no health check, so its sessions must end"
                    + " well before another member can be promoted (ttl)");
        }
        String caFile = agentCaFile(problems, config.checks().caFile());
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "config-renderer cannot start with these settings:\n  " + String.join("\n  ", problems));
        }
        return new RenderSettings(
                config.bindAddress(),
                config.statsPort(),
                config.haproxy().runtimeSocket().toAbsolutePath().toString(),
                stateFile(config).toAbsolutePath().toString(),
                config.maxconn(),
                config.hardStopAfter(),
                config.timeouts().connect(),
                config.timeouts().client(),
                config.timeouts().server(),
                config.checks().timeout(),
                config.checks().inter(),
                config.readOnly().checkInter(),
                config.checks().fall(),
                config.checks().rise(),
                config.readOnly().maxLag(),
                config.readOnly().balance(),
                config.readOnly().fallbackToPrimary(),
                clusters,
                caFile);
    }

    /**
     * HAProxy's {@code ca-file} for HTTPS agent checks: {@code pgha.renderer.checks.ca-file} when it is a
     * readable file whose path HAProxy's config can hold, else {@code @system-ca}.
     */
    static String agentCaFile(List<String> problems, java.util.Optional<java.nio.file.Path> caFile) {
        if (caFile.isEmpty()) {
            return RenderSettings.SYSTEM_CA;
        }
        String path = caFile.get().toAbsolutePath().toString();
        if (!CA_PATH.matcher(path).matches()) {
            problems.add("pgha.renderer.checks.ca-file=" + path.replaceAll("\\p{Cntrl}", "?")
                    + " cannot be written into HAProxy's config: use a path of letters, digits and ./_+-");
        } else if (!java.nio.file.Files.isRegularFile(caFile.get()) || !java.nio.file.Files.isReadable(caFile.get())) {
            problems.add("pgha.renderer.checks.ca-file=" + path
                    + " is not a readable file: give the PEM file of the CA that signed the agents' certificates");
        }
        return path;
    }

    /**
     * The pooler's settings, or empty when {@code pgha.renderer.pool.enabled} is false.
     *
     * @throws IllegalArgumentException naming every property that is wrong and the rule it breaks
     */
    public static java.util.Optional<PoolSettings> pool(RendererConfig config) {
        RendererConfig.Pool pool = config.pool();
        if (!pool.enabled()) {
            return java.util.Optional.empty();
        }
        List<String> problems = new ArrayList<>();
        String cluster = pool.cluster().orElse("");
        if (cluster.isEmpty()) {
            problems.add("pgha.renderer.pool.cluster is not set: name the cluster the pooler serves");
        } else if (!config.clusters().containsKey(cluster)) {
            problems.add("pgha.renderer.pool.cluster=" + cluster + " is not one of pgha.renderer.clusters ("
                    + new TreeSet<>(config.clusters().keySet()) + ")");
        }
        Map<Integer, String> ports = new HashMap<>();
        port(problems, ports, config.statsPort(), "pgha.renderer.stats-port");
        config.clusters().forEach((name, c) -> {
            ports.put(c.readWritePort(), "pgha.renderer.clusters.\"" + name + "\".read-write-port");
            ports.put(c.readOnlyPort(), "pgha.renderer.clusters.\"" + name + "\".read-only-port");
        });
        port(problems, ports, pool.port(), "pgha.renderer.pool.port");
        if (pool.databases().isEmpty()) {
            problems.add("pgha.renderer.pool.databases is empty: name at least one database");
        }
        for (String db : pool.databases()) {
            if (!DATABASE.matcher(db).matches()) {
                problems.add("pgha.renderer.pool.databases: '" + db
                        + "' is not a plain database name (letters, digits, _; at most 60, not starting with a digit)");
            }
        }
        if (!MODES.contains(pool.mode())) {
            problems.add("pgha.renderer.pool.mode=" + pool.mode() + " must be one of " + new TreeSet<>(MODES));
        }
        if (pool.configPath().isEmpty()) {
            problems.add("pgha.renderer.pool.config-path is not set: the pgbouncer.ini PgBouncer was started with");
        }
        if (pool.authFile().isEmpty()) {
            problems.add("pgha.renderer.pool.auth-file is not set: PgBouncer's auth_file (admin user and lookup role)");
        }
        if (pool.adminPassword().isEmpty()) {
            problems.add("pgha.renderer.pool.admin-password is not set: the admin console needs it");
        }
        role(problems, pool.authUser(), "pgha.renderer.pool.auth-user");
        role(problems, pool.adminUser(), "pgha.renderer.pool.admin-user");
        if (!pool.databases().isEmpty()) {
            problems.addAll(PoolLimits.check(sizing(config), LIMIT_NAMES));
        }
        positive(problems, pool.maxPause(), "pgha.renderer.pool.max-pause");
        positive(problems, pool.maxFailoverPause(), "pgha.renderer.pool.max-failover-pause");
        wholeSeconds(problems, pool.queryWaitTimeout(), "pgha.renderer.pool.query-wait-timeout");
        wholeSeconds(problems, pool.serverLoginRetry(), "pgha.renderer.pool.server-login-retry");
        wholeSeconds(problems, pool.serverConnectTimeout(), "pgha.renderer.pool.server-connect-timeout");
        if (pool.queryWaitTimeout().compareTo(pool.maxPause()) <= 0) {
            problems.add("pgha.renderer.pool.query-wait-timeout=" + pool.queryWaitTimeout()
                    + " must be longer than pgha.renderer.pool.max-pause=" + pool.maxPause()
                    + ": a query held by a pause would otherwise fail before the pause ends");
        }
        if (pool.queryWaitTimeout().compareTo(pool.maxFailoverPause()) <= 0) {
            problems.add("pgha.renderer.pool.query-wait-timeout=" + pool.queryWaitTimeout()
                    + " must be longer than pgha.renderer.pool.max-failover-pause=" + pool.maxFailoverPause()
                    + ": a query held while the primary is lost would otherwise fail before the pause ends");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "config-renderer cannot start with these pool settings:\n  " + String.join("\n  ", problems));
        }
        RendererConfig.Cluster ports0 = config.clusters().get(cluster);
        String target = config.bindAddress().equals("0.0.0.0") ? "127.0.0.1" : config.bindAddress();
        return java.util.Optional.of(new PoolSettings(
                cluster,
                config.bindAddress(),
                pool.port(),
                target,
                ports0.readWritePort(),
                target,
                ports0.readOnlyPort(),
                pool.databases(),
                pool.mode(),
                pool.configPath().get().toAbsolutePath(),
                pool.authFile().get().toAbsolutePath(),
                pool.authUser(),
                pool.adminUser(),
                pool.adminPassword().get(),
                pool.psql(),
                pool.defaultPoolSize(),
                pool.reservePoolSize(),
                pool.maxDbConnections(),
                pool.maxClientConn(),
                pool.maxPause(),
                pool.maxFailoverPause(),
                pool.queryWaitTimeout(),
                pool.serverLoginRetry(),
                pool.serverConnectTimeout(),
                pool.serverCaFile().map(java.nio.file.Path::toAbsolutePath).orElse(null)));
    }

    /**
     * The numbers of {@link PoolLimits}' formula: the read-only databases count too while the read-only
     * listener may fall back to the primary ({@code pgha.renderer.read-only.fallback-to-primary}).
     */
    static PoolLimits.Sizing sizing(RendererConfig config) {
        RendererConfig.Pool pool = config.pool();
        int perDatabase = config.readOnly().fallbackToPrimary() ? 2 : 1;
        return new PoolLimits.Sizing(
                pool.maxConnections(),
                pool.superuserReservedConnections(),
                pool.otherConnections(),
                pool.instances(),
                (long) pool.databases().size() * perDatabase,
                pool.usersPerDatabase(),
                pool.defaultPoolSize(),
                pool.reservePoolSize(),
                pool.maxDbConnections(),
                pool.maxClientConn());
    }

    private static void role(List<String> problems, String role, String property) {
        if (!ROLE.matcher(role).matches()) {
            problems.add(property + "=" + role + " is not a plain role name (letters, digits, _)");
        }
    }

    private static void wholeSeconds(List<String> problems, Duration duration, String property) {
        if (duration.toSeconds() < 1 || duration.toNanos() % 1_000_000_000L != 0) {
            problems.add(property + "=" + duration + " must be whole seconds, at least 1 s (PgBouncer's unit)");
        }
    }

    /** {@code pgha.renderer.haproxy.state-file}, or {@code server-state} beside the configuration file. */
    public static java.nio.file.Path stateFile(RendererConfig config) {
        return config.haproxy()
                .stateFile()
                .orElseGet(() -> config.haproxy().configPath().toAbsolutePath().resolveSibling("server-state"));
    }

    private static void port(List<String> problems, Map<Integer, String> used, int port, String property) {
        if (port < 1 || port > 65535) {
            problems.add(property + "=" + port + " is not a TCP port (1-65535)");
            return;
        }
        String other = used.putIfAbsent(port, property);
        if (other != null) {
            problems.add(
                    property + "=" + port + " is already taken by " + other + ": every listener needs its own port");
        }
    }

    private static void positive(List<String> problems, Duration duration, String property) {
        if (duration.isNegative() || duration.isZero()) {
            problems.add(property + "=" + duration + " must be longer than zero");
        }
    }
}
