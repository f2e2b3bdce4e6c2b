package io.pgha.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.core.EtcdLayout;
import io.pgha.core.Json;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.EtcdClusterStore;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Starts node-agents (each owning its own PostgreSQL) from the node-agent module's built jar, for
 * integration tests and {@code ./pgha up}, and looks at them.
 */
public final class AgentNodes {
    public static final String CLUSTER = "it";
    public static final String TOKEN = "it-secret-token";

    /**
     * Not an agent property: when present in the extra properties of {@link #start}, the agent gets
     * this superuser password and generated replication and monitoring passwords, all through secret
     * files, and pg_hba.conf asks for scram-sha-256. Without it the agent is started with {@code
     * pgha.postgres.allow-trust=true} and PostgreSQL trusts connections from loopback.
     */
    public static final String SUPERUSER_PASSWORD = "test.superuser-password";

    /**
     * Not an agent property: when present in the extra properties of {@link #start}, its value is the
     * folder of a local CA ({@link Certificates#authorityIn}); the agent gets a certificate of its own
     * from it (naming its PostgreSQL address) through {@code pgha.postgres.tls.*}, so PostgreSQL serves
     * TLS only and the agent connects with {@code sslmode=verify-full}. Without it, plaintext as before.
     */
    public static final String POSTGRES_TLS_CA_DIR = "test.postgres-tls-ca-dir";

    public static final String REPLICATION_PASSWORD = "repl-Secret:42";
    public static final String MONITORING_PASSWORD = "mon-Secret-42";

    /** One agent and the PostgreSQL it owns. */
    public record Node(String name, QuarkusService agent, String pgHost, int pgPort, Path dataDir, String password) {
        public String jdbcUrl() {
            String url = PostgresNode.jdbcUrl(pgHost, pgPort);
            return password == null ? url : url + "&password=" + password;
        }

        public Object query(String sql) throws SQLException {
            return PostgresNode.queryValue(jdbcUrl(), sql);
        }

        public void execute(String sql) throws SQLException {
            try (var c = java.sql.DriverManager.getConnection(jdbcUrl());
                    var st = c.createStatement()) {
                st.execute(sql);
            }
        }

        public int status(String path) {
            return status("GET", path);
        }

        public int status(String method, String path) {
            try {
                return send(method, path, null).statusCode();
            } catch (Exception e) {
                return -1;
            }
        }

        public HttpResponse<String> send(String method, String path, String bearer) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(agent.uri(path))
                    .timeout(Duration.ofSeconds(5))
                    .method(method, HttpRequest.BodyPublishers.noBody());
            if (bearer != null) {
                b.header("Authorization", "Bearer " + bearer);
            }
            return agent.httpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        }

        public JsonNode patroni() throws Exception {
            return Json.MAPPER.readTree(agent.get("/patroni").body());
        }

        public long postmasterPid() throws Exception {
            return Long.parseLong(
                    Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).strip());
        }
    }

    private AgentNodes() {}

    /** The properties of an agent named {@code name}. */
    public static Map<String, String> properties(
            String name, List<String> etcd, String pgHost, int pgPort, Path dataDir) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("pgha.cluster", CLUSTER);
        p.put("pgha.name", name);
        p.put("pgha.etcd.endpoints", String.join(",", etcd));
        p.put("pgha.postgres.data-dir", dataDir.toString());
        p.put("pgha.postgres.bin-dir", PostgresNode.binDir().toString());
        p.put("pgha.postgres.listen-host", pgHost);
        p.put("pgha.postgres.port", Integer.toString(pgPort));
        p.put("pgha.postgres.fsync", "false");
        p.put("pgha.postgres.parameters.shared_buffers", "16MB");
        p.put("pgha.postgres.parameters.max_wal_size", "64MB");
        p.put("pgha.restapi.token", TOKEN);
        return p;
    }

    /** Starts an agent on loopback (or in {@code ns}) with its own data directory. */
    public static Node start(
            LocalInfra infra, String name, List<String> etcd, NetworkNamespace ns, Map<String, String> extra) {
        return start(infra, name, name, etcd, ns, extra);
    }

    /** Like the other start, with its files in {@code nodes/<dir>} (a second agent of the same name). */
    public static Node start(
            LocalInfra infra,
            String name,
            String dir,
            List<String> etcd,
            NetworkNamespace ns,
            Map<String, String> extra) {
        return start(infra, name, dir, etcd, ns, extra, null);
    }

    /**
     * An agent on loopback that serves HTTPS only with {@code certificate} (copied into its node folder,
     * readable by the agent's user only) and trusts its CA as {@code pgha.agent-api.ca-file}.
     */
    public static Node startHttps(
            LocalInfra infra,
            String name,
            List<String> etcd,
            Map<String, String> extra,
            Certificates.Issued certificate) {
        return start(infra, name, name, etcd, null, extra, certificate);
    }

    private static Node start(
            LocalInfra infra,
            String name,
            String dir,
            List<String> etcd,
            NetworkNamespace ns,
            Map<String, String> extra,
            Certificates.Issued certificate) {
        String host = ns == null ? Ports.LOOPBACK : ns.address();
        int port = Ports.free();
        Path nodeDir =
                OsUser.forPostgres().ownedDir(infra.workspace().dir("nodes").resolve(dir));
        Path dataDir = nodeDir.resolve("data");
        Path callback = writeCallback(nodeDir);
        Map<String, String> callbacks = Map.of(
                "pgha.callbacks.on-start", callback.toString(),
                "pgha.callbacks.on-stop", callback.toString(),
                "pgha.callbacks.on-role-change", callback.toString());
        Map<String, String> properties = new LinkedHashMap<>(extra);
        String superuserPassword = properties.remove(SUPERUSER_PASSWORD);
        if (superuserPassword != null) {
            properties.put("pgha.postgres.superuser.password-file", secret(nodeDir, "superuser", superuserPassword));
            properties.put(
                    "pgha.postgres.replication.password-file", secret(nodeDir, "replication", REPLICATION_PASSWORD));
            properties.put(
                    "pgha.postgres.monitoring.password-file", secret(nodeDir, "monitoring", MONITORING_PASSWORD));
        } else {
            // the agent refuses to trust TCP connections unless told to: these tests connect without passwords
            properties.putIfAbsent("pgha.postgres.allow-trust", "true");
        }
        String caDir = properties.remove(POSTGRES_TLS_CA_DIR);
        if (caDir != null) {
            properties.putAll(postgresTls(Path.of(caDir), dir, host, nodeDir));
        }
        QuarkusService.Builder builder = QuarkusService.builder(
                        infra.workspace(), "agent-" + dir, QuarkusService.moduleJar("node-agent"))
                .properties(properties(name, etcd, host, port, dataDir))
                .properties(callbacks)
                .properties(properties)
                .asPostgresUser();
        if (caDir != null) {
            // libpq looks for a client certificate in ~/.postgresql and fails on an unreadable home
            // (setpriv keeps root's HOME): give the agent, and the PostgreSQL it starts, its own
            builder.env("HOME", nodeDir.toString());
        }
        if (ns != null) {
            builder.inNamespace(ns);
        }
        if (certificate != null) {
            Certificates.Issued own = copyFor(OsUser.forPostgres(), certificate, nodeDir.resolve("tls"));
            builder.https(own).property("pgha.agent-api.ca-file", own.ca().toString());
        }
        QuarkusService service = builder.start();
        infra.track(service);
        return new Node(name, service, host, port, dataDir, extra.get(SUPERUSER_PASSWORD));
    }

    /**
     * The {@code pgha.postgres.tls.*} properties of an agent: a certificate for {@code name} naming
     * {@code host}, issued by the CA in {@code caDir}, copied with its key and the CA's certificate into
     * {@code nodeDir/certs} for the agent's OS user.
     */
    private static Map<String, String> postgresTls(Path caDir, String name, String host, Path nodeDir) {
        Certificates.Issued issued;
        synchronized (AgentNodes.class) { // agents start in parallel; one makes the CA
            issued = Certificates.authorityIn(caDir).issue("pg-" + name, List.of(host));
        }
        OsUser user = OsUser.forPostgres();
        Path certs = user.ownedDir(nodeDir.resolve("certs"));
        Map<String, String> p = new LinkedHashMap<>();
        p.put(
                "pgha.postgres.tls.cert-file",
                user.ownedCopy(issued.cert(), certs.resolve("server.crt")).toString());
        p.put(
                "pgha.postgres.tls.key-file",
                user.ownedCopy(issued.key(), certs.resolve("server.key")).toString());
        p.put(
                "pgha.postgres.tls.ca-file",
                user.ownedCopy(issued.ca(), certs.resolve("ca.crt")).toString());
        return p;
    }

    /** {@code certificate}'s files copied into {@code dir}, owned by {@code user} (mode 600). */
    private static Certificates.Issued copyFor(OsUser user, Certificates.Issued certificate, Path dir) {
        Path tls = user.ownedDir(dir);
        return new Certificates.Issued(
                certificate.name(),
                user.ownedCopy(certificate.cert(), tls.resolve("agent.crt")),
                user.ownedCopy(certificate.key(), tls.resolve("agent.key")),
                user.ownedCopy(certificate.ca(), tls.resolve("ca.crt")));
    }

    /** A callback script that appends its arguments to {@code callbacks.log} in the node's folder. */
    private static Path writeCallback(Path nodeDir) {
        Path script = nodeDir.resolve("callback.sh");
        try {
            Files.writeString(script, "#!/bin/sh\necho \"$@\" >> '" + nodeDir.resolve("callbacks.log") + "'\n");
            Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return script;
    }

    private static String secret(Path nodeDir, String what, String value) {
        Path file = nodeDir.resolve(what + ".secret");
        try {
            Files.writeString(file, value + "\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return file.toString();
    }

    /** The lines the callback script has written so far. */
    public static String callbacks(Node node) {
        try {
            Path log = node.dataDir().getParent().resolve("callbacks.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** Prints the tail of every node's postgresql.log (the agents' own logs are printed by LocalInfra). */
    public static void printPostgresLogs(List<Node> nodes) {
        for (Node n : nodes) {
            Path log = n.dataDir().getParent().resolve("postgresql.log");
            System.err.println(
                    "\n===== last 40 lines of " + n.name() + "'s postgresql.log =====\n" + LocalProcess.tail(log, 40));
        }
    }

    /** A JUnit extension that prints the PostgreSQL logs of {@code nodes} (when known) after a failed test. */
    public static org.junit.jupiter.api.extension.TestWatcher postgresLogsOnFailure(
            java.util.function.Supplier<List<Node>> nodes) {
        return new org.junit.jupiter.api.extension.TestWatcher() {
            @Override
            public void testFailed(org.junit.jupiter.api.extension.ExtensionContext context, Throwable cause) {
                List<Node> started = nodes.get();
                if (started != null) {
                    printPostgresLogs(started);
                }
            }
        };
    }

    /**
     * The properties that make an agent archive WAL to, and restore from, a posix repository in {@code
     * repo} (created, owned by the user PostgreSQL and the agents run as).
     */
    public static Map<String, String> posixRepository(Path repo) {
        Path dir = OsUser.forPostgres().ownedDir(repo);
        Map<String, String> p = new LinkedHashMap<>();
        p.put("pgha.repository.type", "posix");
        p.put("pgha.repository.path", dir.toString());
        return p;
    }

    /** Starts the named agents at the same time. */
    public static List<Node> startAll(LocalInfra infra, List<String> names, List<String> etcd) throws Exception {
        return startAll(infra, names, etcd, Map.of());
    }

    /** Starts the named agents at the same time, each with the {@code extra} properties. */
    public static List<Node> startAll(
            LocalInfra infra, List<String> names, List<String> etcd, Map<String, String> extra) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(names.size());
        try {
            List<Future<Node>> futures = new ArrayList<>();
            for (String name : names) {
                futures.add(pool.submit(() -> start(infra, name, etcd, null, extra)));
            }
            List<Node> nodes = new ArrayList<>();
            for (Future<Node> f : futures) {
                nodes.add(f.get());
            }
            return nodes;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The {@code pgha.etcd.*} properties that make an agent reach the TLS {@code etcd} as {@code principal}:
     * its certificate, key and the CA copied into a folder of the PostgreSQL user the agent runs as
     * ({@link Certificates} keeps them readable by their owner only).
     */
    public static Map<String, String> etcdTls(LocalInfra infra, EtcdCluster etcd, Certificates.Issued principal) {
        Certificates.Issued copy = copyFor(
                OsUser.forPostgres(),
                principal,
                infra.workspace().dir("etcd-clients").resolve(principal.name()));
        return etcd.clientProperties(copy);
    }

    /** A store client of the test's own (the test acts as the coordinator would). */
    public static EtcdClusterStore store(List<String> etcd) {
        return EtcdClusterStore.connect(etcd, EtcdLayout.of(CLUSTER), Duration.ofSeconds(5));
    }

    /** A primary's current timeline (its control file names the old one until the next checkpoint). */
    private static final String PRIMARY_TIMELINE =
            "SELECT ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int";

    /**
     * Waits until exactly one node is a primary holding the leader key (its /primary 200) and all others
     * stream from it on its timeline (/replica 200); returns the primary.
     */
    public static Node awaitHealthy(List<Node> nodes, EtcdClusterStore store, Duration timeout) {
        Node[] primary = new Node[1];
        Wait.until(timeout, "one primary and " + (nodes.size() - 1) + " streaming replicas", () -> {
            ClusterSnapshot snapshot = store.read();
            Optional<String> leader = snapshot.leader().map(l -> l.member());
            if (leader.isEmpty()) {
                return false;
            }
            Node p = byName(nodes, leader.get());
            if (p.status("/primary") != 200 || Boolean.TRUE.equals(p.query("SELECT pg_is_in_recovery()"))) {
                return false;
            }
            Object timeline = p.query(PRIMARY_TIMELINE);
            for (Node n : nodes) {
                if (n == p) {
                    continue;
                }
                // on the primary's timeline: right after a switchover the former primary first streams
                // the old timeline up to the switch, then its WAL receiver restarts on the new one
                if (n.status("/replica") != 200
                        || !"streaming".equals(n.query("SELECT status FROM pg_stat_wal_receiver"))
                        || timeline == null
                        || !timeline.equals(n.query("SELECT received_tli FROM pg_stat_wal_receiver"))
                        || n.status("/primary") != 503) {
                    return false;
                }
            }
            Object streaming = p.query("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'");
            if (((Number) streaming).intValue() != nodes.size() - 1) {
                return false;
            }
            primary[0] = p;
            return true;
        });
        return primary[0];
    }

    public static Node byName(List<Node> nodes, String name) {
        return nodes.stream()
                .filter(n -> n.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no node " + name));
    }

    /** Runs {@code psql -c sql} inside {@code ns} against {@code node}; true when it succeeded. */
    public static boolean psqlInside(NetworkNamespace ns, Node node, String sql) {
        List<String> command = new ArrayList<>(ns.commandPrefix());
        command.addAll(List.of(
                PostgresNode.binDir().resolve("psql").toString(),
                "-h",
                node.pgHost(),
                "-p",
                Integer.toString(node.pgPort()),
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                sql));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PGCONNECT_TIMEOUT", "2");
        if (node.password() != null) {
            env.put("PGPASSWORD", node.password());
        }
        return Commands.run(command, env, Duration.ofSeconds(8)).ok();
    }

    /** The HTTP status of {@code path} on {@code node}'s agent, asked from inside {@code ns} with curl. */
    public static int curlInside(NetworkNamespace ns, Node node, String path) {
        List<String> command = new ArrayList<>(ns.commandPrefix());
        command.addAll(List.of(
                Commands.require("curl", "curl").toString(),
                "-s",
                "-o",
                "/dev/null",
                "-m",
                "3",
                "-w",
                "%{http_code}",
                node.agent().uri(path).toString()));
        Commands.Result result = Commands.run(command, Duration.ofSeconds(6));
        try {
            return Integer.parseInt(result.output().strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
