package io.pgha.system;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.core.Json;
import io.pgha.local.Commands;
import io.pgha.local.EtcdCluster;
import io.pgha.local.Haproxy;
import io.pgha.local.LocalProcess;
import io.pgha.local.OsUser;
import io.pgha.local.Ports;
import io.pgha.local.PostgresNode;
import io.pgha.local.Signal;
import io.pgha.local.Wait;
import io.pgha.local.Workspace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Three Patroni members (Debian's {@code patroni} package, installed when missing) on one local etcd,
 * behind an HAProxy configured as Patroni's documentation shows ({@code OPTIONS /primary} health
 * checks), all on free loopback ports in {@code workspace}. Patroni runs as the {@code postgres} OS
 * user with the same PostgreSQL 15 binaries as pgha; every process it started (Patroni, the
 * postmasters it forked, etcd, HAProxy) is stopped by {@link #close()}.
 */
final class PatroniCluster implements BenchedCluster {
    /**
     * Patroni's dynamic timings, in seconds. Its documentation ("Dynamic configuration") asks for ttl ≥
     * 20, loop_wait ≥ 1, retry_timeout ≥ 3 and loop_wait + 2 × retry_timeout ≤ ttl, but Patroni enforces
     * them only from 3.2.0 on ({@code Config._validate_and_adjust_timeouts}, which raises smaller values
     * with a warning); Debian's 3.0.2 runs the values it is given. So this record checks the rule and
     * values of at least 1 s, and says when a value is below the documented minimum.
     */
    record Timings(int ttl, int loopWait, int retryTimeout) {
        /** Patroni's defaults. */
        static final Timings DEFAULTS = new Timings(30, 10, 10);

        Timings {
            if (ttl < 1 || loopWait < 1 || retryTimeout < 1) {
                throw new IllegalArgumentException("Patroni's ttl, loop_wait and retry_timeout must be at least 1, not "
                        + "ttl " + ttl + ", loop_wait " + loopWait + ", retry_timeout " + retryTimeout);
            }
            if (loopWait + 2 * retryTimeout > ttl) {
                throw new IllegalArgumentException("Patroni needs loop_wait + 2 * retry_timeout <= ttl, not " + loopWait
                        + " + 2 * " + retryTimeout + " > " + ttl);
            }
        }

        /** True when ttl or retry_timeout is below the documented minimum (20 s, 3 s). */
        boolean belowDocumentedMinimum() {
            return ttl < 20 || retryTimeout < 3;
        }

        @Override
        public String toString() {
            return "ttl " + ttl + " s, loop_wait " + loopWait + " s, retry_timeout " + retryTimeout + " s"
                    + (belowDocumentedMinimum()
                            ? " (below the documented minimum ttl 20 s / retry_timeout 3 s, which Patroni 3.0.2 "
                                    + "does not enforce)"
                            : "");
        }
    }

    /**
     * True when the Patroni of {@code version} ({@code patroni --version}: "patroni 3.0.2") raises
     * timings below its documented minimum (3.2.0 and later), or when the version cannot be read.
     */
    static boolean raisesSmallTimings(String version) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("(\\d+)\\.(\\d+)").matcher(version);
        if (!m.find()) {
            return true;
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        return major > 3 || (major == 3 && minor >= 2);
    }

    /** One Patroni member: its ports and folder, and its Patroni process once started. */
    private static final class Member {
        final String name;
        final int postgresPort = Ports.free();
        final int restPort = Ports.free();
        final Path dir;
        LocalProcess process;

        Member(String name, Path dir) {
            this.name = name;
            this.dir = dir;
        }

        Path config() {
            return dir.resolve("patroni.yml");
        }

        Path dataDir() {
            return dir.resolve("data");
        }

        URI rest(String path) {
            return URI.create("http://" + Ports.LOOPBACK + ":" + restPort + path);
        }
    }

    static final String SUPERUSER = PostgresNode.SUPERUSER;
    static final String REPLICATION_USER = "replicator";
    private static final String PACKAGE = "patroni";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final Workspace workspace;
    private final String label;
    private final String scope;
    private final Timings timings;
    /**
     * {@code -Dbench.patroni.synchronous=true}: Patroni in synchronous_mode (as pgha with {@code
     * -Dbench.pgha.config='{"synchronous_mode":true,...}'}), so both are measured in the same mode.
     */
    private static final boolean SYNCHRONOUS = Boolean.getBoolean("bench.patroni.synchronous");

    private final String superuserPassword = secret();
    private final String replicationPassword = secret();
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final int readWritePort = Ports.free();
    private final Thread killLeftovers = new Thread(this::killEverything, "patroni-postmasters-killer");
    private EtcdCluster etcd;
    private Haproxy haproxy;
    private boolean closed;

    /** A cluster named {@code scope} of members {@code pg-0}..{@code pg-2}, not started yet. */
    PatroniCluster(Workspace workspace, String label, String scope, Timings timings) {
        this.workspace = workspace;
        this.label = label;
        this.scope = scope;
        this.timings = timings;
        OsUser user = OsUser.forPostgres();
        Path root = workspace.dirReachableBy(user, "patroni");
        for (int i = 0; i < 3; i++) {
            String name = "pg-" + i;
            members.put(name, new Member(name, user.ownedDir(root.resolve(name))));
        }
    }

    /**
     * Installs Debian's {@code patroni} package when its binary is missing (as {@code ./pgha test} does
     * for the packages it needs: with apt-get as root, the package's own service not started), or fails
     * with the command to run.
     */
    static void ensureInstalled() {
        if (installed()) {
            return;
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        Path aptGet = Path.of("/usr/bin/apt-get");
        if (!root || !Files.isExecutable(aptGet)) {
            throw new IllegalStateException("the benchmark needs Debian's patroni package: install it with "
                    + "'sudo apt-get update && sudo apt-get install -y patroni'");
        }
        System.out.println("installing Debian's patroni package (apt-get install -y patroni)");
        Path policy = Path.of("/usr/sbin/policy-rc.d");
        boolean createdPolicy = false;
        try {
            if (!Files.exists(policy)) {
                Files.writeString(policy, "#!/bin/sh\nexit 101\n");
                policy.toFile().setExecutable(true);
                createdPolicy = true;
            }
            Map<String, String> env = Map.of("DEBIAN_FRONTEND", "noninteractive");
            Commands.run(List.of(aptGet.toString(), "update", "-qq"), env, Duration.ofMinutes(5))
                    .orThrow();
            Commands.run(
                            List.of(aptGet.toString(), "install", "-y", "-qq", "--no-install-recommends", PACKAGE),
                            env,
                            Duration.ofMinutes(10))
                    .orThrow();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + policy, e);
        } finally {
            if (createdPolicy) {
                try {
                    Files.deleteIfExists(policy);
                } catch (IOException e) {
                    System.err.println("could not remove " + policy + ": " + e);
                }
            }
        }
        if (!installed()) {
            throw new IllegalStateException("apt-get install patroni finished but /usr/bin/patroni is missing");
        }
    }

    /** {@code patroni --version}, for the report. */
    static String version() {
        return Commands.run(List.of(binary().toString(), "--version"), Duration.ofSeconds(30))
                .output()
                .strip();
    }

    private static boolean installed() {
        try {
            binary();
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private static Path binary() {
        return Commands.require("patroni", PACKAGE);
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public String timings() {
        return timings + ", 1-member etcd" + (SYNCHRONOUS ? ", synchronous_mode" : "");
    }

    @Override
    public void start() {
        ensureInstalled();
        Runtime.getRuntime().addShutdownHook(killLeftovers);
        etcd = EtcdCluster.start(workspace, 1);
        for (Member member : members.values()) {
            OsUser user = OsUser.forPostgres();
            user.ownedDir(member.dir.resolve("socket"));
            user.ownedDir(member.dir.resolve("log"));
            try {
                Files.writeString(member.config(), config(member));
            } catch (IOException e) {
                throw new UncheckedIOException("could not write " + member.config(), e);
            }
        }
        members.values().forEach(this::startPatroni);
        haproxy = Haproxy.start(workspace, haproxyConfig());
        Wait.until(
                Duration.ofSeconds(120),
                label + ": a leader",
                () -> currentLeader().isPresent(),
                () -> members.values().stream().anyMatch(m -> m.process.isAlive()));
    }

    @Override
    public List<String> members() {
        return List.copyOf(members.keySet());
    }

    /** Each running member's {@code patroni} process (the pid {@code setsid} and {@code setpriv} exec into). */
    @Override
    public Map<String, Long> servicePids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        for (Member member : members.values()) {
            if (member.process != null && member.process.isAlive()) {
                pids.put("patroni " + member.name, member.process.pid());
            }
        }
        return pids;
    }

    @Override
    public int readWritePort() {
        return readWritePort;
    }

    @Override
    public String superuserPassword() {
        return superuserPassword;
    }

    @Override
    public int postgresPort(String member) {
        return member(member).postgresPort;
    }

    @Override
    public String leader() {
        return currentLeader().orElseThrow(() -> new IllegalStateException(label + ": no member holds the leader key"));
    }

    @Override
    public void killNode(String name) {
        Member member = member(name);
        long postmaster = postmasterPid(member).orElseThrow();
        LocalProcess patroni = member.process;
        patroni.signalGroup(Signal.KILL);
        Commands.run(List.of("kill", "-s", "KILL", Long.toString(postmaster)), Duration.ofSeconds(5));
        Wait.until(
                Duration.ofSeconds(10),
                name + "'s Patroni and postmaster gone",
                () -> !patroni.isAlive() && !LocalProcess.isAlive(postmaster));
    }

    @Override
    public void killPostmaster(String name) {
        long postmaster = postmasterPid(member(name))
                .orElseThrow(() -> new IllegalStateException(name + " has no postmaster.pid"));
        Commands.run(List.of("kill", "-s", "KILL", Long.toString(postmaster)), Duration.ofSeconds(5))
                .orThrow();
    }

    /**
     * {@code POST /switchover} on the leader's REST API, which answers once the switchover is done; an
     * answer that the outcome is unknown (Patroni stops polling after a while) is followed by waiting
     * for the leader key to move.
     */
    @Override
    public void switchover(String leader, String candidate) {
        HttpResponse<String> response;
        try {
            response = HTTP.send(
                    HttpRequest.newBuilder(member(leader).rest("/switchover"))
                            .timeout(Duration.ofSeconds(120))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"leader\":\"" + leader + "\",\"candidate\":\"" + candidate + "\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("switchover " + leader + " -> " + candidate, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during a switchover", e);
        }
        if (response.statusCode() == 200) {
            return;
        }
        if (response.statusCode() == 503 && response.body().contains("unknown")) {
            Wait.until(
                    Duration.ofSeconds(60),
                    candidate + " holds the leader key after the switchover",
                    () -> currentLeader().filter(candidate::equals).isPresent());
            return;
        }
        throw new IllegalStateException("switchover " + leader + " -> " + candidate + ": HTTP " + response.statusCode()
                + " " + response.body());
    }

    @Override
    public void restartStopped() {
        for (Member member : members.values()) {
            if (member.process == null || !member.process.isAlive()) {
                startPatroni(member);
            }
        }
    }

    @Override
    public Duration resumeDeadline() {
        return Duration.ofSeconds(timings.ttl() + 2L * timings.loopWait() + 2L * timings.retryTimeout() + 60);
    }

    /** Stops every Patroni (which stops its PostgreSQL), then anything left, HAProxy and etcd. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<RuntimeException> errors = new ArrayList<>();
        for (Member member : members.values()) {
            if (member.process != null) {
                try {
                    member.process.stop(Signal.TERM, Duration.ofSeconds(40));
                } catch (RuntimeException e) {
                    errors.add(e);
                }
            }
        }
        killPostmasters();
        for (AutoCloseable other : new AutoCloseable[] {haproxy, etcd}) {
            try {
                if (other != null) {
                    other.close();
                }
            } catch (Exception e) {
                errors.add(new IllegalStateException("stopping " + other, e));
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killLeftovers);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // the JVM is already shutting down, or the hook was never added
        }
        Map<String, Path> postgresLogs = new LinkedHashMap<>();
        members.values()
                .forEach(m -> postgresLogs.put(m.name + "-postgresql.log", m.dir.resolve("log/postgresql.log")));
        FailoverBenchIT.keepLogs(label, workspace.root().resolve("logs"), postgresLogs);
        if (!errors.isEmpty()) {
            IllegalStateException error = new IllegalStateException("stopping " + label + " failed");
            errors.forEach(error::addSuppressed);
            throw error;
        }
    }

    // --- Patroni's files ---

    /** The member's patroni.yml. */
    private String config(Member member) {
        String hosts = "127.0.0.1:" + etcd.member(0).clientPort();
        String pg = Ports.LOOPBACK + ":" + member.postgresPort;
        String rest = Ports.LOOPBACK + ":" + member.restPort;
        return String.join(
                "\n",
                "scope: " + scope,
                "name: " + member.name,
                "log:",
                "  level: INFO",
                "restapi:",
                "  listen: " + rest,
                "  connect_address: " + rest,
                "etcd3:",
                "  hosts: " + hosts,
                "bootstrap:",
                "  dcs:",
                "    ttl: " + timings.ttl(),
                "    loop_wait: " + timings.loopWait(),
                "    retry_timeout: " + timings.retryTimeout(),
                "    maximum_lag_on_failover: 1048576",
                "    synchronous_mode: " + SYNCHRONOUS,
                "    postgresql:",
                "      use_pg_rewind: true",
                "      use_slots: true",
                "      parameters:",
                "        wal_level: replica",
                "        hot_standby: 'on'",
                "        hot_standby_feedback: 'on'",
                "        wal_log_hints: 'on'",
                "        max_connections: 60",
                "        max_wal_senders: 10",
                "        max_replication_slots: 10",
                "        wal_keep_size: 64MB",
                "  initdb:",
                "  - encoding: UTF8",
                "  - locale: C",
                "  - data-checksums",
                "postgresql:",
                "  listen: " + pg,
                "  connect_address: " + pg,
                "  data_dir: " + member.dataDir(),
                "  bin_dir: " + PostgresNode.binDir(),
                "  pgpass: " + member.dir.resolve("pgpass"),
                "  authentication:",
                "    superuser:",
                "      username: " + SUPERUSER,
                "      password: '" + superuserPassword + "'",
                "    replication:",
                "      username: " + REPLICATION_USER,
                "      password: '" + replicationPassword + "'",
                "  parameters:",
                "    unix_socket_directories: '" + member.dir.resolve("socket") + "'",
                "    shared_buffers: 32MB",
                "    logging_collector: 'on'",
                "    log_directory: '" + member.dir.resolve("log") + "'",
                "    log_filename: postgresql.log",
                "    log_line_prefix: '%m [%p] %q%u@%d '",
                "  pg_hba:",
                "  - local all all trust",
                "  - host replication " + REPLICATION_USER + " 127.0.0.1/32 scram-sha-256",
                "  - host all all 127.0.0.1/32 scram-sha-256",
                "watchdog:",
                "  mode: 'off'",
                "");
    }

    /** HAProxy as Patroni's documentation configures it: the read-write port goes to whoever answers /primary. */
    private String haproxyConfig() {
        StringBuilder text = new StringBuilder();
        text.append("global\n")
                .append("    maxconn 500\n\n")
                .append("defaults\n")
                .append("    mode tcp\n")
                .append("    retries 2\n")
                .append("    timeout connect 2s\n")
                .append("    timeout client 30m\n")
                .append("    timeout server 30m\n\n")
                .append("listen rw\n")
                .append("    bind ")
                .append(Ports.LOOPBACK)
                .append(':')
                .append(readWritePort)
                .append('\n')
                .append("    option httpchk OPTIONS /primary\n")
                .append("    http-check expect status 200\n")
                .append("    default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions\n");
        for (Member member : members.values()) {
            text.append("    server ")
                    .append(member.name)
                    .append(' ')
                    .append(Ports.LOOPBACK)
                    .append(':')
                    .append(member.postgresPort)
                    .append(" maxconn 100 check port ")
                    .append(member.restPort)
                    .append('\n');
        }
        return text.toString();
    }

    // --- processes ---

    private void startPatroni(Member member) {
        List<String> command = new ArrayList<>(OsUser.forPostgres().commandPrefix());
        command.add(binary().toString());
        command.add(member.config().toString());
        member.process = LocalProcess.start(
                "patroni-" + member.name,
                command,
                member.dir,
                workspace.log("patroni-" + member.name),
                Map.of("HOME", member.dir.toString()),
                false);
    }

    /**
     * The JVM's shutdown (a SIGTERM'd bench): Patroni first, then its postmasters. Shutdown hooks run
     * concurrently, so a postmaster killed while its Patroni still lived was started again by it, and
     * that one outlived the run (seen 2026-12-02).
     */
    private void killEverything() {
        for (Member member : members.values()) {
            if (member.process != null && member.process.isAlive()) {
                member.process.signalGroup(Signal.KILL);
            }
        }
        killPostmasters();
    }

    /** kill -9 of every postmaster still running (with its process group, if it leads one). */
    private void killPostmasters() {
        for (Member member : members.values()) {
            postmasterPid(member).filter(LocalProcess::isAlive).ifPresent(pid -> {
                LocalProcess.signalGroup(pid, Signal.KILL);
                Commands.run(List.of("kill", "-s", "KILL", Long.toString(pid)), Duration.ofSeconds(5));
            });
        }
    }

    private static Optional<Long> postmasterPid(Member member) {
        try {
            List<String> lines = Files.readAllLines(member.dataDir().resolve("postmaster.pid"));
            return lines.isEmpty()
                    ? Optional.empty()
                    : Optional.of(Long.parseLong(lines.get(0).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** In synchronous mode the member {@code GET /cluster} names sync_standby (Patroni takes no other). */
    @Override
    public String switchoverCandidate(String primary) {
        if (!SYNCHRONOUS) {
            return BenchedCluster.super.switchoverCandidate(primary);
        }
        String[] found = {null};
        Wait.until(Duration.ofSeconds(30), label + ": a sync_standby in GET /cluster", () -> {
            found[0] = withRole("sync_standby").orElse(null);
            return found[0] != null;
        });
        return found[0];
    }

    /** The leader as the first member that answers {@code GET /cluster} sees it. */
    private Optional<String> currentLeader() {
        return withRole("leader", "master", "primary");
    }

    /** The first member of one of {@code roles} as the first member that answers {@code GET /cluster} sees it. */
    private Optional<String> withRole(String... roles) {
        for (Member member : members.values()) {
            try {
                HttpResponse<String> response = HTTP.send(
                        HttpRequest.newBuilder(member.rest("/cluster"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    continue;
                }
                JsonNode body = Json.MAPPER.readTree(response.body());
                for (JsonNode m : body.path("members")) {
                    if (List.of(roles).contains(m.path("role").asText())) {
                        return Optional.of(m.path("name").asText());
                    }
                }
                return Optional.empty();
            } catch (IOException e) {
                // this member's REST API does not answer: ask the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private Member member(String name) {
        Member member = members.get(name);
        if (member == null) {
            throw new IllegalArgumentException("no member " + name + " in " + label);
        }
        return member;
    }

    private static String secret() {
        String alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        SecureRandom random = new SecureRandom();
        StringBuilder secret = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            secret.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return secret.toString();
    }
}
