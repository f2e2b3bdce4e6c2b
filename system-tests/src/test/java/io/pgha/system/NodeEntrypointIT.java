package io.pgha.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.core.EtcdLayout;
import io.pgha.core.Json;
import io.pgha.core.store.EtcdClusterStore;
import io.pgha.local.Commands;
import io.pgha.local.EtcdCluster;
import io.pgha.local.JvmOptions;
import io.pgha.local.KafkaBroker;
import io.pgha.local.LocalInfra;
import io.pgha.local.LocalProcess;
import io.pgha.local.OsUser;
import io.pgha.local.Ports;
import io.pgha.local.PostgresNode;
import io.pgha.local.QuarkusService;
import io.pgha.local.Signal;
import io.pgha.local.Wait;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 22: the node image's entrypoint ({@code deploy/images/node/entrypoint.sh}) outside a container,
 * in the image's layout (the node-agent's built {@code quarkus-app} copied into a home folder as the
 * Dockerfile copies it to {@code /opt/pgha}, {@code pg-agent-config}'s properties in its {@code config/}),
 * run as the unprivileged PostgreSQL user with the environment the StatefulSet gives it (loopback
 * addresses and free ports instead of the pod's, secrets as files, no backup repository), next to a real
 * etcd, Kafka and one failover-coordinator. Two such "pods": the first bootstraps as primary, the second
 * clones it; the probes answer as the manifest's probes expect; SIGTERM to the primary's entrypoint
 * process (what tini forwards when the pod is deleted) stops PostgreSQL cleanly within the pod's grace
 * period and the leader key moves to the replica, which has every committed row; the restarted "pod"
 * rejoins as a replica.
 */
class NodeEntrypointIT {
    @RegisterExtension
    static final LocalInfra infra = LocalInfra.perClass();

    private static final String CLUSTER = "main";
    private static final String TOKEN = "entrypoint-it-token";
    private static final String SUPERUSER_PASSWORD = "su-Secret-22";
    /** The StatefulSet's terminationGracePeriodSeconds: the kubelet kills the container after it. */
    private static final Duration GRACE = Duration.ofSeconds(75);

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static EtcdCluster etcd;
    private static KafkaBroker kafka;
    private static EtcdClusterStore store;
    private static QuarkusService coordinator;
    private static Path home;
    private static Path secrets;

    @BeforeAll
    static void startEtcdKafkaAndACoordinator() throws Exception {
        etcd = infra.etcd(1);
        kafka = infra.kafka();
        store = infra.track(EtcdClusterStore.connect(etcd.endpoints(), EtcdLayout.of(CLUSTER), Duration.ofSeconds(5)));
        home = imageHome();
        secrets = secrets();
        coordinator = infra.track(QuarkusService.builder(
                        infra.workspace(), "coordinator", QuarkusService.moduleJar("failover-coordinator"))
                .property("pgha.etcd.endpoints", String.join(",", etcd.endpoints()))
                .property("pgha.coordinator.name", "coordinator-0")
                .property("kafka.bootstrap.servers", kafka.bootstrapServers())
                .env("PGHA_API_TOKEN_FILE", secrets.resolve("api/token").toString())
                .start());
    }

    @Test
    void thePrimaryBootstrapsAReplicaJoinsAndSigtermStopsThePrimaryCleanlyAndMovesTheLeaderKey() throws Exception {
        Pod pg0 = Pod.create("pg-0");
        pg0.start();
        Wait.until(
                Duration.ofSeconds(90),
                "pg-0 bootstrapped: leader key, /primary, /readiness and /liveness 200",
                () -> leader().equals(Optional.of("pg-0"))
                        && pg0.status("/primary") == 200
                        && pg0.status("/readiness") == 200
                        && pg0.status("/liveness") == 200,
                pg0.process()::isAlive);
        long postmaster = pg0.postmasterPid();
        assertThat(parentOf(postmaster))
                .as("the agent (the entrypoint's process, after exec) is the postmaster's parent")
                .isEqualTo(pg0.process().pid());

        Pod pg1 = Pod.create("pg-1");
        pg1.start();
        Wait.until(
                Duration.ofSeconds(120),
                "pg-1 cloned pg-0 and streams: /replica, /readiness and /liveness 200",
                () -> pg1.status("/replica") == 200
                        && pg1.status("/readiness") == 200
                        && pg1.status("/liveness") == 200
                        && pg1.status("/primary") == 503
                        && "streaming".equals(pg1.query("SELECT status FROM pg_stat_wal_receiver")),
                pg1.process()::isAlive);
        Wait.until(
                Duration.ofSeconds(30),
                "the coordinator leads " + CLUSTER + " and sees pg-0 as its leader",
                () -> "pg-0".equals(clusterStatus().path("leader").asText())
                        && clusterStatus().path("coordinator").isTextual());

        measureEtcdFootprint(pg0, pg1);

        pg0.execute("CREATE TABLE entrypoint_it(id int PRIMARY KEY)");
        pg0.execute("INSERT INTO entrypoint_it SELECT generate_series(1, 1000)");

        long term = System.nanoTime();
        pg0.process().signal(Signal.TERM);
        Wait.until(GRACE, "pg-0's entrypoint process exited after SIGTERM", () -> !pg0.process()
                .isAlive());
        Duration exited = Duration.ofNanos(System.nanoTime() - term);
        assertThat(LocalProcess.isAlive(postmaster)).as("pg-0's postmaster").isFalse();
        assertThat(pg0.dataDir().resolve("postmaster.pid")).doesNotExist();
        assertThat(pg0.controlData())
                .as("pg_controldata of pg-0")
                .containsPattern("Database cluster state:\\s+shut down\\n");

        Wait.until(
                Duration.ofSeconds(30),
                "the leader key names pg-1 and pg-1 answers /primary 200",
                () -> leader().equals(Optional.of("pg-1"))
                        && pg1.status("/primary") == 200
                        && Boolean.FALSE.equals(pg1.query("SELECT pg_is_in_recovery()")));
        Duration promoted = Duration.ofNanos(System.nanoTime() - term);
        System.out.printf(
                "SIGTERM to pg-0: its process exited after %d ms, pg-1 primary after %d ms%n",
                exited.toMillis(), promoted.toMillis());
        assertThat(((Number) pg1.query("SELECT count(*) FROM entrypoint_it")).intValue())
                .as("rows committed on pg-0 before the SIGTERM, on pg-1")
                .isEqualTo(1000);

        pg0.start();
        Wait.until(
                Duration.ofSeconds(90),
                "pg-0 restarted as a replica of pg-1: /replica, /readiness 200, /primary 503",
                () -> pg0.status("/replica") == 200
                        && pg0.status("/readiness") == 200
                        && pg0.status("/primary") == 503
                        && "streaming".equals(pg0.query("SELECT status FROM pg_stat_wal_receiver")),
                pg0.process()::isAlive);
    }

    /** The window over which a healthy, idle cluster's etcd writes are counted (docs/kubernetes.md, "Capacity"). */
    private static final Duration ETCD_WINDOW = Duration.ofSeconds(20);

    /**
     * Counts what one healthy, idle cluster costs etcd (docs/kubernetes.md, "Capacity"): its keys and their
     * bytes, and its writes per second (etcd's revision moves once per write) over {@link #ETCD_WINDOW}, a
     * measuring window rather than a wait for an outcome; asserts the cluster stayed healthy through it.
     */
    private static void measureEtcdFootprint(Pod primary, Pod replica) throws Exception {
        JsonNode before = etcdGet();
        long start = System.nanoTime();
        Wait.until(
                ETCD_WINDOW.plusSeconds(10),
                "a measuring window of " + ETCD_WINDOW.toSeconds() + " s",
                () -> System.nanoTime() - start >= ETCD_WINDOW.toNanos());
        JsonNode after = etcdGet();
        double seconds = (System.nanoTime() - start) / 1e9;
        long writes = after.path("header").path("revision").asLong()
                - before.path("header").path("revision").asLong();
        long bytes = 0;
        StringBuilder sizes = new StringBuilder();
        for (JsonNode kv : after.path("kvs")) {
            String key = new String(
                    java.util.Base64.getDecoder().decode(kv.path("key").asText()));
            int length = java.util.Base64.getDecoder().decode(kv.path("value").asText()).length;
            bytes += key.length() + length;
            sizes.append(' ').append(key).append('=').append(length);
        }
        System.out.printf(
                "etcd, cluster %s (2 members, idle, 1 coordinator): %d keys, %d bytes of keys and values;"
                        + " %d writes in %.1f s = %.2f writes/s; value sizes:%s%n",
                CLUSTER, after.path("kvs").size(), bytes, writes, seconds, writes / seconds, sizes);
        assertThat(leader()).as("the leader through the window").contains("pg-0");
        assertThat(primary.status("/readiness")).isEqualTo(200);
        assertThat(replica.status("/readiness")).isEqualTo(200);
    }

    /** {@code etcdctl get --prefix /pgha/<cluster>/ -w json}: every key of the cluster and etcd's revision. */
    private static JsonNode etcdGet() throws Exception {
        Commands.Result r = Commands.run(
                        List.of(
                                Commands.require("etcdctl", "etcd-client").toString(),
                                "--endpoints",
                                String.join(",", etcd.endpoints()),
                                "get",
                                "--prefix",
                                "/pgha/" + CLUSTER + "/",
                                "-w",
                                "json"),
                        Map.of("ETCDCTL_API", "3"),
                        Duration.ofSeconds(10))
                .orThrow();
        return Json.MAPPER.readTree(r.output());
    }

    /** The leader key's member, if any. */
    private static Optional<String> leader() {
        return store.read().leader().map(l -> l.member());
    }

    private static JsonNode clusterStatus() throws Exception {
        HttpResponse<String> r = coordinator.get("/api/v1/clusters/" + CLUSTER);
        return r.statusCode() == 200 ? Json.MAPPER.readTree(r.body()) : Json.MAPPER.createObjectNode();
    }

    /** The node-agent's built quarkus-app copied as the Dockerfile copies it, with pg-agent-config in config/. */
    private static Path imageHome() throws IOException {
        OsUser user = OsUser.forPostgres();
        Path built = QuarkusService.moduleJar("node-agent").getParent();
        Path opt = user.ownedDir(infra.workspace().dir("image").resolve("opt-pgha"));
        copyTree(built.resolve("lib"), opt.resolve("lib"));
        copyTree(built.resolve("app"), opt.resolve("app"));
        copyTree(built.resolve("quarkus"), opt.resolve("quarkus"));
        try (Stream<Path> jars = Files.list(built)) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                Files.copy(jar, opt.resolve(jar.getFileName()));
            }
        }
        Path config = Files.createDirectories(opt.resolve("config"));
        Files.copy(
                QuarkusService.projectRoot().resolve("deploy/k8s/base/postgres/agent.properties"),
                config.resolve("application.properties"));
        try (Stream<Path> all = Files.walk(opt)) {
            all.forEach(user::own);
        }
        return opt;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** The Secrets' files as the pod mounts them (/etc/pgha/{postgres,api}), readable by the PostgreSQL user. */
    private static Path secrets() throws IOException {
        OsUser user = OsUser.forPostgres();
        Path etc = user.ownedDir(infra.workspace().dir("image").resolve("etc-pgha"));
        Map<String, String> files = new LinkedHashMap<>();
        files.put("postgres/superuser-password", SUPERUSER_PASSWORD);
        files.put("postgres/replication-password", "repl-Secret-22");
        files.put("postgres/monitoring-password", "mon-Secret-22");
        files.put("postgres/pooler-password", "pool-Secret-22");
        files.put("api/token", TOKEN);
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path file = etc.resolve(f.getKey());
            user.ownedDir(file.getParent());
            Files.writeString(file, f.getValue());
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r-----"));
            user.own(file);
        }
        return etc;
    }

    private static long parentOf(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        // pid (comm) state ppid ...: comm may hold spaces, so read after its closing parenthesis
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
    }

    /** One "pod" of the StatefulSet: its data volume, its ports, and the entrypoint's process when started. */
    private static final class Pod {
        private final String name;
        private final Path dir;
        private final Path volume;
        private final int pgPort;
        private final int apiPort;
        private LocalProcess process;

        private Pod(String name, Path dir, Path volume, int pgPort, int apiPort) {
            this.name = name;
            this.dir = dir;
            this.volume = volume;
            this.pgPort = pgPort;
            this.apiPort = apiPort;
        }

        static Pod create(String name) {
            OsUser user = OsUser.forPostgres();
            Path dir = user.ownedDir(infra.workspace().dir("pods").resolve(name));
            return new Pod(name, dir, user.ownedDir(dir.resolve("volume")), Ports.free(), Ports.free());
        }

        /** The StatefulSet's env for this pod, with loopback addresses and this pod's ports. */
        Map<String, String> environment() {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":/usr/bin:/bin");
            env.put("HOME", dir.toString());
            // the image's ENV (DockerfileConsistencyTest: JAVA_OPTS is JvmOptions.forModule("node-agent"))
            env.put("JAVA_OPTS", String.join(" ", JvmOptions.forModule("node-agent")));
            env.put("MALLOC_ARENA_MAX", "2");
            env.put("PGHA_POSTGRES_BIN_DIR", PostgresNode.binDir().toString());
            env.put("PGHA_HOME", home.toString()); // the image's /opt/pgha
            // the StatefulSet's env
            env.put("PGHA_NAME", name);
            env.put("PGHA_CLUSTER", CLUSTER);
            env.put("PGHA_ETCD_ENDPOINTS", String.join(",", etcd.endpoints()));
            env.put("QUARKUS_HTTP_HOST", Ports.LOOPBACK);
            env.put("QUARKUS_HTTP_PORT", Integer.toString(apiPort)); // the pod: 8008 on its own address
            env.put("PGHA_RESTAPI_CONNECT_HOST", Ports.LOOPBACK);
            env.put("PGHA_RESTAPI_TOKEN_FILE", secrets.resolve("api/token").toString());
            env.put("PGHA_POSTGRES_DATA_DIR", dataDir().toString());
            env.put("PGHA_POSTGRES_LISTEN_HOST", Ports.LOOPBACK);
            env.put("PGHA_POSTGRES_CONNECT_HOST", Ports.LOOPBACK);
            env.put("PGHA_POSTGRES_PORT", Integer.toString(pgPort));
            env.put("PGHA_POSTGRES_ALLOWED_CIDR", "127.0.0.1/32");
            for (String who : List.of("superuser", "replication", "monitoring", "pooler")) {
                env.put(
                        "PGHA_POSTGRES_" + who.toUpperCase(java.util.Locale.ROOT) + "_PASSWORD_FILE",
                        secrets.resolve("postgres/" + who + "-password").toString());
            }
            env.put("PGHA_REPOSITORY_TYPE", "none");
            return env;
        }

        /** Runs the entrypoint as the PostgreSQL user; the process it execs (the agent) is tracked and stopped at the end. */
        void start() {
            List<String> command = new ArrayList<>(OsUser.forPostgres().commandPrefix());
            command.addAll(List.of(
                    "/bin/sh",
                    QuarkusService.projectRoot()
                            .resolve("deploy/images/node/entrypoint.sh")
                            .toString()));
            process = infra.track(LocalProcess.start(
                    "pod-" + name, command, dir, infra.workspace().log("pod-" + name), environment(), false));
        }

        LocalProcess process() {
            return process;
        }

        Path dataDir() {
            return volume.resolve("pgdata");
        }

        int status(String path) {
            try {
                return HTTP.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
                                        .timeout(Duration.ofSeconds(3))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode();
            } catch (IOException e) {
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        private String jdbcUrl() {
            return PostgresNode.jdbcUrl(Ports.LOOPBACK, pgPort) + "&password=" + SUPERUSER_PASSWORD;
        }

        Object query(String sql) throws Exception {
            return PostgresNode.queryValue(jdbcUrl(), sql);
        }

        void execute(String sql) throws Exception {
            PostgresNode.execute(jdbcUrl(), sql);
        }

        long postmasterPid() throws IOException {
            return Long.parseLong(Files.readAllLines(dataDir().resolve("postmaster.pid"))
                    .get(0)
                    .strip());
        }

        String controlData() {
            Commands.Result r = Commands.run(
                    List.of(
                            PostgresNode.binDir().resolve("pg_controldata").toString(),
                            dataDir().toString()),
                    Map.of("LC_ALL", "C"),
                    Duration.ofSeconds(10));
            if (!r.ok()) {
                throw new UncheckedIOException(new IOException("pg_controldata failed: " + r.output()));
            }
            return r.output();
        }
    }
}
