package io.pgha.local.cli;

import io.pgha.local.EtcdCluster;
import io.pgha.local.Haproxy;
import io.pgha.local.HaproxyConfig;
import io.pgha.local.KafkaBroker;
import io.pgha.local.LocalProcess;
import io.pgha.local.Ports;
import io.pgha.local.PostgresNode;
import io.pgha.local.Signal;
import io.pgha.local.Wait;
import io.pgha.local.Workspace;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The whole local cluster behind {@code ./pgha up | down | status}: etcd, a Kafka broker, three
 * PostgreSQL nodes (one primary, two streaming replicas) and HAProxy (read-write and read-only
 * listeners), as detached processes under one home folder ({@code ./.pgha}). What runs is recorded in
 * {@code state.properties} there, so that another JVM can report on it and stop it.
 */
public final class LocalCluster {
    static final String STATE_FILE = "state.properties";
    private static final List<String> NODES = List.of("pg-0", "pg-1", "pg-2");

    private final Path home;
    private final LocalPorts ports;
    private final PrintStream out;

    public LocalCluster(Path home, LocalPorts ports, PrintStream out) {
        this.home = home.toAbsolutePath();
        this.ports = ports;
        this.out = out;
    }

    /** Starts everything and returns once writes through the read-write port reach a replica. */
    public void up() {
        Properties running = readState();
        if (anyAlive(running)) {
            out.println("pgha is already running under " + home + "; nothing started.");
            out.println("See './pgha status', or stop it with './pgha down'.");
            return;
        }
        ports.requireAllFree();
        Workspace workspace = Workspace.persistent(home);
        Properties state = new Properties();
        try {
            step(1, "starting etcd on " + Ports.LOOPBACK + ":" + ports.etcdClient());
            EtcdCluster etcd =
                    EtcdCluster.start(workspace, List.of(ports.etcdClient()), List.of(ports.etcdPeer()), List.of());
            record(state, "etcd", etcd.member(0).process(), Signal.TERM, ports.etcdClient());

            step(2, "starting Kafka broker (KRaft) on " + Ports.LOOPBACK + ":" + ports.kafka());
            KafkaBroker kafka = KafkaBroker.start(workspace, ports.kafka(), ports.kafkaController());
            record(state, "kafka", kafka.process(), Signal.TERM, ports.kafka());

            step(3, "starting PostgreSQL primary pg-0 on " + Ports.LOOPBACK + ":" + ports.postgres(0));
            PostgresNode primary =
                    PostgresNode.primary(workspace, PostgresNode.Placement.loopback("pg-0", ports.postgres(0)));
            record(state, "pg-0", primary.process(), Signal.INT, ports.postgres(0));
            List<PostgresNode> nodes = new ArrayList<>(List.of(primary));
            for (int i = 1; i < NODES.size(); i++) {
                step(
                        3 + i,
                        "starting PostgreSQL replica " + NODES.get(i) + " on " + Ports.LOOPBACK + ":"
                                + ports.postgres(i));
                PostgresNode replica = PostgresNode.replica(
                        workspace, PostgresNode.Placement.loopback(NODES.get(i), ports.postgres(i)), primary);
                record(state, NODES.get(i), replica.process(), Signal.INT, ports.postgres(i));
                nodes.add(replica);
            }

            step(6, "starting HAProxy: read-write :" + ports.readWrite() + ", read-only :" + ports.readOnly());
            Haproxy haproxy = Haproxy.start(workspace, haproxyConfig(nodes));
            record(state, "haproxy", haproxy.process(), Signal.TERM, ports.readWrite());

            step(7, "a write through :" + ports.readWrite() + " reaches a replica through :" + ports.readOnly());
            checkReadWriteAndReadOnly();
            writeState(state);
        } catch (RuntimeException e) {
            writeState(state);
            out.println("pgha up failed: " + e.getMessage());
            out.println("Logs are in " + home.resolve("logs") + ". Stopping what was started.");
            down(false);
            throw e;
        }
        printEndpoints();
    }

    /** Stops every recorded process (and, with {@code purge}, deletes the data); leaves no process. */
    public void down(boolean purge) {
        Properties state = readState();
        List<String> components = new ArrayList<>(List.of("haproxy", "pg-2", "pg-1", "pg-0", "kafka", "etcd"));
        boolean any = false;
        for (String component : components) {
            String pid = state.getProperty(component + ".pid");
            if (pid == null) {
                continue;
            }
            long id = Long.parseLong(pid);
            if (LocalProcess.groupAlive(id)) {
                any = true;
                out.println("stopping " + component + " (pid " + id + ")");
                LocalProcess.stopGroup(
                        id, Signal.valueOf(state.getProperty(component + ".stop")), Duration.ofSeconds(30));
            }
        }
        try {
            Files.deleteIfExists(home.resolve(STATE_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!any) {
            out.println("pgha was not running.");
        }
        if (purge) {
            Workspace.deleteRecursively(home);
            out.println("deleted " + home + " (data and logs)");
        }
    }

    /** A table of every component: address, pid, whether it runs, and each node's role and lag. */
    public void status() {
        Properties state = readState();
        if (state.isEmpty()) {
            out.println("pgha is not running (no " + home.resolve(STATE_FILE) + "). Start it with './pgha up'.");
            return;
        }
        out.printf(
                "%-9s %-17s %-8s %-9s %-8s %-9s %s%n",
                "component", "address", "pid", "process", "role", "timeline", "lag");
        Long primaryLsn = null;
        for (String node : NODES) {
            primaryLsn = primaryLsn != null ? primaryLsn : currentLsn(state, node);
        }
        for (String component : List.of("etcd", "kafka", "pg-0", "pg-1", "pg-2", "haproxy")) {
            String pid = state.getProperty(component + ".pid", "-");
            boolean alive = !pid.equals("-") && LocalProcess.groupAlive(Long.parseLong(pid));
            String role = "";
            String timeline = "";
            String lag = "";
            if (component.startsWith("pg-") && alive) {
                NodeView view = nodeView(state, component, primaryLsn);
                role = view.role();
                timeline = view.timeline();
                lag = view.lag();
            }
            out.printf(
                    "%-9s %-17s %-8s %-9s %-8s %-9s %s%n",
                    component,
                    Ports.LOOPBACK + ":" + state.getProperty(component + ".port", "-"),
                    pid,
                    alive ? "running" : "stopped",
                    role,
                    timeline,
                    lag);
        }
    }

    private record NodeView(String role, String timeline, String lag) {}

    private NodeView nodeView(Properties state, String node, Long primaryLsn) {
        String url = PostgresNode.jdbcUrl(Ports.LOOPBACK, Integer.parseInt(state.getProperty(node + ".port")));
        try {
            boolean replica = Boolean.TRUE.equals(PostgresNode.queryValue(url, "SELECT pg_is_in_recovery()"));
            Object timeline = PostgresNode.queryValue(url, "SELECT timeline_id FROM pg_control_checkpoint()");
            if (!replica) {
                return new NodeView("primary", String.valueOf(timeline), "");
            }
            Object replay =
                    PostgresNode.queryValue(url, "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::bigint");
            String lag = primaryLsn == null || replay == null
                    ? "unknown"
                    : Math.max(0, primaryLsn - ((Number) replay).longValue()) + " bytes";
            return new NodeView("replica", String.valueOf(timeline), lag);
        } catch (SQLException e) {
            return new NodeView("unreachable", "", e.getMessage());
        }
    }

    private Long currentLsn(Properties state, String node) {
        String port = state.getProperty(node + ".port");
        if (port == null) {
            return null;
        }
        String url = PostgresNode.jdbcUrl(Ports.LOOPBACK, Integer.parseInt(port));
        try {
            Object lsn = PostgresNode.queryValue(
                    url,
                    "SELECT CASE WHEN pg_is_in_recovery() THEN NULL"
                            + " ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint END");
            return lsn == null ? null : ((Number) lsn).longValue();
        } catch (SQLException e) {
            return null;
        }
    }

    private String haproxyConfig(List<PostgresNode> nodes) {
        List<HaproxyConfig.Server> replicas = nodes.subList(1, nodes.size()).stream()
                .map(n -> new HaproxyConfig.Server(n.name(), n.host(), n.port()))
                .toList();
        PostgresNode primary = nodes.get(0);
        return new HaproxyConfig()
                .listen(
                        "read_write",
                        Ports.LOOPBACK,
                        ports.readWrite(),
                        List.of(new HaproxyConfig.Server(primary.name(), primary.host(), primary.port())))
                .listen("read_only", Ports.LOOPBACK, ports.readOnly(), replicas)
                .stats(ports.haproxyStats())
                .render();
    }

    private void checkReadWriteAndReadOnly() {
        String rw = PostgresNode.jdbcUrl(Ports.LOOPBACK, ports.readWrite());
        String ro = PostgresNode.jdbcUrl(Ports.LOOPBACK, ports.readOnly());
        Wait.until(Duration.ofSeconds(30), "a write through :" + ports.readWrite(), () -> {
            PostgresNode.execute(rw, "CREATE TABLE IF NOT EXISTS pgha_up_check (at timestamptz)");
            PostgresNode.execute(rw, "INSERT INTO pgha_up_check VALUES (now())");
            return true;
        });
        Wait.until(
                Duration.ofSeconds(30),
                "the write read back from a replica through :" + ports.readOnly(),
                () -> Boolean.TRUE.equals(PostgresNode.queryValue(ro, "SELECT pg_is_in_recovery()"))
                        && PostgresNode.queryValue(ro, "SELECT count(*) FROM pgha_up_check") != null);
    }

    private void printEndpoints() {
        out.println();
        out.println("pgha is up (plain PostgreSQL streaming replication for now; pgha's own services follow).");
        out.println();
        out.println("  read-write (primary):  psql -h 127.0.0.1 -p " + ports.readWrite() + " -U postgres");
        out.println("  read-only (replicas):  psql -h 127.0.0.1 -p " + ports.readOnly() + " -U postgres");
        out.println("  HAProxy stats:         http://127.0.0.1:" + ports.haproxyStats() + "/");
        for (int i = 0; i < NODES.size(); i++) {
            out.println("  " + NODES.get(i) + (i == 0 ? " (primary)" : " (replica)") + ":       127.0.0.1:"
                    + ports.postgres(i));
        }
        out.println("  etcd:                  http://127.0.0.1:" + ports.etcdClient());
        out.println("  Kafka bootstrap:       127.0.0.1:" + ports.kafka());
        out.println("  logs:                  " + home.resolve("logs"));
        out.println();
        out.println(
                "'./pgha status' shows the nodes; './pgha down' stops everything ('--purge' also deletes the data).");
    }

    private void step(int number, String what) {
        out.println("[" + number + "/7] " + what + " ...");
    }

    private void record(Properties state, String component, LocalProcess process, Signal stop, int port) {
        state.setProperty(component + ".pid", Long.toString(process.pid()));
        state.setProperty(component + ".stop", stop.name());
        state.setProperty(component + ".port", Integer.toString(port));
        writeState(state);
    }

    private boolean anyAlive(Properties state) {
        return state.stringPropertyNames().stream()
                .filter(key -> key.endsWith(".pid"))
                .anyMatch(key -> LocalProcess.groupAlive(Long.parseLong(state.getProperty(key))));
    }

    private Properties readState() {
        Properties state = new Properties();
        Path file = home.resolve(STATE_FILE);
        if (Files.exists(file)) {
            try (Reader reader = Files.newBufferedReader(file)) {
                state.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("could not read " + file, e);
            }
        }
        return state;
    }

    private void writeState(Properties state) {
        try {
            Files.createDirectories(home);
            try (Writer writer = Files.newBufferedWriter(home.resolve(STATE_FILE))) {
                state.store(writer, "processes started by ./pgha up");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + home.resolve(STATE_FILE), e);
        }
    }
}
