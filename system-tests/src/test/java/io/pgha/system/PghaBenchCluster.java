package io.pgha.system;

import io.pgha.core.EtcdLayout;
import io.pgha.core.store.EtcdClusterStore;
import io.pgha.local.LocalProcess;
import io.pgha.local.Workspace;
import io.pgha.local.cli.LocalCluster;
import io.pgha.local.cli.LocalPorts;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole pgha suite as {@code ./pgha up} starts it (1-member etcd, Kafka, three agents, two
 * coordinators, health-monitor, config-renderer + HAProxy) on free ports in {@code workspace}, with its
 * default timings (ttl 10 s): secured as {@code up} secures it by default (PostgreSQL TLS, etcd TLS with
 * client certificates, Kafka SASL_SSL, every REST API https), or in plaintext as {@code ./pgha up --insecure}.
 */
final class PghaBenchCluster implements BenchedCluster {
    private static final String API = "/api/v1/clusters/" + LocalCluster.CLUSTER;

    private final Workspace workspace;
    private final LocalPorts ports = LocalPorts.free();
    private final LocalCluster cluster;
    private final boolean insecure;
    private final boolean withoutRepository;
    private EtcdClusterStore store;
    private String password;
    private String token;
    private boolean closed;

    /** The suite as {@code ./pgha up} runs it by default: TLS on. */
    PghaBenchCluster(Workspace workspace) {
        this(workspace, false);
    }

    /** With {@code insecure}, as {@code ./pgha up --insecure} runs it: everything in plaintext. */
    PghaBenchCluster(Workspace workspace, boolean insecure) {
        this(workspace, insecure, REPOSITORY.equals("none"));
    }

    /**
     * With {@code withoutRepository}, the agents have no backup repository ({@code pgha.repository.type=none}:
     * no WAL archive, no {@code restore_command}) and no backup-service runs, as the benchmark's Patroni.
     */
    PghaBenchCluster(Workspace workspace, boolean insecure, boolean withoutRepository) {
        this.workspace = workspace;
        this.insecure = insecure;
        this.withoutRepository = withoutRepository;
        LocalCluster local =
                new LocalCluster(workspace, ports, new PrintStream(System.out, true, StandardCharsets.UTF_8));
        local = insecure ? local.insecure() : local;
        this.cluster = withoutRepository ? local.withoutRepository() : local;
    }

    @Override
    public String label() {
        return (insecure ? "pgha --insecure" : "pgha") + (withoutRepository ? " (no WAL archive)" : "");
    }

    /**
     * {@code -Dbench.pgha.config='{"synchronous_mode":true,"fast_failover":true}'}: a JSON merge patch of
     * the dynamic config applied once the cluster runs (empty: the defaults).
     */
    private static final String CONFIG =
            System.getProperty("bench.pgha.config", "").strip();

    /**
     * {@code -Dbench.pgha.repository=none}: system {@code pgha} runs without a backup repository (no WAL
     * archiving, as Patroni here); {@code posix} (the default) as {@code ./pgha up} runs it. The system
     * {@code pgha-no-repository} is always without one.
     */
    private static final String REPOSITORY = repository(System.getProperty("bench.pgha.repository", "posix"));

    static String repository(String value) {
        String v = value.strip();
        if (!v.equals("posix") && !v.equals("none")) {
            throw new IllegalArgumentException("bench.pgha.repository: " + value + " is neither posix nor none");
        }
        return v;
    }

    @Override
    public String timings() {
        return "ttl 10 s (the default), 1-member etcd, "
                + (insecure ? "plaintext (--insecure)" : "TLS on (PostgreSQL, etcd, Kafka, REST)")
                + (withoutRepository
                        ? ", no backup repository (pgha.repository.type=none: no WAL archive)"
                        : ", WAL archived to a posix repository")
                + (CONFIG.isEmpty() ? "" : ", config " + CONFIG);
    }

    @Override
    public void start() {
        cluster.up();
        password = cluster.superuserPassword();
        token = cluster.apiToken();
        store = EtcdClusterStore.connect(
                cluster.etcdAccess(), EtcdLayout.of(LocalCluster.CLUSTER), Duration.ofSeconds(5));
        if (!CONFIG.isEmpty()) {
            patchConfig(CONFIG);
        }
    }

    /** PATCHes the dynamic config; in synchronous mode waits until the leader applies a promotable standby. */
    private void patchConfig(String patch) {
        try {
            HttpResponse<String> response = httpClient()
                    .send(
                            HttpRequest.newBuilder(cluster.service(
                                                    LocalCluster.coordinators().get(0))
                                            .uri(API + "/config"))
                                    .timeout(Duration.ofSeconds(30))
                                    .header("Authorization", "Bearer " + token)
                                    .header("Content-Type", "application/json")
                                    .method("PATCH", HttpRequest.BodyPublishers.ofString(patch))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(
                        "bench.pgha.config " + patch + ": HTTP " + response.statusCode() + " " + response.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("bench.pgha.config " + patch, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while patching the config", e);
        }
        if (io.pgha.core.DynamicConfig.fromJson(patch).synchronousMode()) {
            io.pgha.local.Wait.until(Duration.ofSeconds(60), "a promotable sync standby applied by the leader", () -> {
                var snapshot = store.read();
                var promotable = snapshot.sync()
                        .map(io.pgha.core.SyncSet::fromJson)
                        .map(io.pgha.core.SyncSet::members)
                        .orElse(List.of());
                String applied = snapshot.leaderMember()
                        .map(m -> m.status() == null ? null : m.status().syncStandbyNames())
                        .orElse(null);
                return !promotable.isEmpty() && applied != null && applied.contains(promotable.get(0));
            });
        }
    }

    /** In synchronous mode a member of the promotable set of {@code /sync} (as Patroni's sync_standby). */
    @Override
    public String switchoverCandidate(String primary) {
        return store.read()
                .sync()
                .map(io.pgha.core.SyncSet::fromJson)
                .filter(sync -> primary.equals(sync.leader()))
                .flatMap(sync ->
                        sync.members().stream().filter(m -> !m.equals(primary)).findFirst())
                .orElseGet(() -> BenchedCluster.super.switchoverCandidate(primary));
    }

    @Override
    public List<String> members() {
        return LocalCluster.members();
    }

    /**
     * Each running JVM service of the suite: the agents ({@code agent pg-0}), coordinators,
     * health-monitor, config-renderer, backup-service, alert-service, and Kafka.
     */
    @Override
    public Map<String, Long> servicePids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        List<String> services = new ArrayList<>(members());
        services.addAll(LocalCluster.coordinators());
        services.addAll(List.of("health-monitor", "config-renderer", "backup-service", "alert-service"));
        for (String name : services) {
            try {
                LocalProcess process = cluster.service(name).process();
                if (process != null && process.isAlive()) {
                    pids.put(members().contains(name) ? "agent " + name : name, process.pid());
                }
            } catch (IllegalArgumentException e) {
                // not started by this launcher (an optional service): nothing to measure
            }
        }
        if (cluster.kafka() != null && cluster.kafka().process().isAlive()) {
            pids.put("kafka", cluster.kafka().process().pid());
        }
        return pids;
    }

    /** The cluster's REST client ({@link LocalCluster#httpClient()}: trusts the local CA while TLS is on). */
    HttpClient httpClient() {
        return cluster.httpClient();
    }

    /**
     * What a browser must trust to open the status page while TLS is on: the local CA and the first
     * coordinator's certificate (empty with {@code --insecure}).
     */
    List<Path> statusPageTrust() {
        List<Path> trust = new ArrayList<>();
        cluster.caCert().ifPresent(trust::add);
        cluster.restCertificate(LocalCluster.coordinators().get(0)).ifPresent(trust::add);
        return trust;
    }

    /** {@code path} on the first coordinator (its REST API and the status page). */
    java.net.URI coordinatorUri(String path) {
        return cluster.service(LocalCluster.coordinators().get(0)).uri(path);
    }

    /** backup-service's REST API. */
    java.net.URI backupServiceUri(String path) {
        return cluster.service("backup-service").uri(path);
    }

    /** The pooled endpoint (PgBouncer, read-write database {@code postgres}). */
    int poolerPort() {
        return ports.pooler();
    }

    /** verify-full against the local CA while TLS is on. */
    @Override
    public String jdbcParameters() {
        return cluster.jdbcTlsParameters();
    }

    @Override
    public int readWritePort() {
        return ports.readWrite();
    }

    @Override
    public String superuserPassword() {
        return password;
    }

    @Override
    public int postgresPort(String member) {
        return ports.postgres(members().indexOf(member));
    }

    @Override
    public String leader() {
        return store.read()
                .leader()
                .orElseThrow(() -> new IllegalStateException("no leader key"))
                .member();
    }

    @Override
    public void killNode(String member) {
        cluster.killNode(member);
    }

    @Override
    public void killPostmaster(String member) {
        cluster.killPostmaster(member);
    }

    @Override
    public void switchover(String leader, String candidate) {
        try {
            HttpResponse<String> response = httpClient()
                    .send(
                            HttpRequest.newBuilder(cluster.service(
                                                    LocalCluster.coordinators().get(0))
                                            .uri(API + "/switchover"))
                                    .timeout(Duration.ofSeconds(90))
                                    .header("Authorization", "Bearer " + token)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(
                                            "{\"leader\":\"" + leader + "\",\"candidate\":\"" + candidate + "\"}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("switchover " + leader + " -> " + candidate + ": HTTP "
                        + response.statusCode() + " " + response.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("switchover " + leader + " -> " + candidate, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during a switchover", e);
        }
    }

    @Override
    public void restartStopped() {
        for (String name : LocalCluster.coordinators()) {
            if (!cluster.service(name).process().isAlive()) {
                cluster.restart(name);
            }
        }
        for (String member : members()) {
            if (!cluster.service(member).process().isAlive()) {
                cluster.restart(member);
            }
        }
    }

    @Override
    public Duration resumeDeadline() {
        return Duration.ofSeconds(90);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (store != null) {
                store.close();
            }
        } catch (Exception e) {
            System.err.println("closing the etcd store of " + label() + ": " + e);
        } finally {
            cluster.down(false);
            Map<String, Path> postgresLogs = new LinkedHashMap<>();
            members()
                    .forEach(m -> postgresLogs.put(
                            m + "-postgresql.log",
                            cluster.home().resolve("nodes").resolve(m).resolve("postgresql.log")));
            FailoverBenchIT.keepLogs(label(), workspace.root().resolve("logs"), postgresLogs);
        }
    }
}
