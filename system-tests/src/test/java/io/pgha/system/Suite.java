package io.pgha.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.core.Json;
import io.pgha.core.MemberStatus;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.EtcdAccess;
import io.pgha.core.store.EtcdClusterStore;
import io.pgha.core.store.MemberEntry;
import io.pgha.local.Commands;
import io.pgha.local.EtcdCluster;
import io.pgha.local.Ports;
import io.pgha.local.PostgresNode;
import io.pgha.local.QuarkusService;
import io.pgha.local.Wait;
import io.pgha.local.Workspace;
import io.pgha.local.cli.LocalCluster;
import io.pgha.local.cli.LocalPorts;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The whole suite as {@link LocalCluster} runs it, seen from a system test: repair what a scenario
 * stopped, wait until the cluster is healthy, ask the members, etcd and the coordinators' REST API,
 * and keep the logs. Shared by {@code FailoverScenariosIT} and the chaos suite.
 */
public final class Suite {
    private static final String CLUSTER = LocalCluster.CLUSTER;
    private static final String API = "/api/v1/clusters/" + CLUSTER;

    private final LocalCluster cluster;
    private final LocalPorts ports;
    private final EtcdClusterStore store;
    private final String password;
    private final String token;
    private final Duration healthy;
    private final HttpClient http;

    /** A view of {@code cluster} (up already); {@code healthy} bounds {@link #awaitHealthy()}. */
    public Suite(LocalCluster cluster, EtcdClusterStore store, Duration healthy) {
        this.cluster = cluster;
        this.ports = cluster.ports();
        this.store = store;
        this.password = cluster.superuserPassword();
        this.token = cluster.apiToken();
        this.healthy = healthy;
        this.http = cluster.httpClient(); // trusts the cluster's CA: the services serve https
    }

    public String api() {
        return API;
    }

    public String password() {
        return password;
    }

    public EtcdClusterStore store() {
        return store;
    }

    /** Starts again every agent, coordinator, Kafka and etcd member that is not running. */
    public void repairStoppedComponents() {
        for (int i = 0; i < cluster.etcd().members().size(); i++) {
            EtcdCluster.Member member = cluster.etcd().member(i);
            if (!member.process().isAlive()) {
                System.out.println("starting etcd member " + member.name() + " again");
                cluster.restart(i == 0 ? "etcd" : "etcd-" + i);
            }
        }
        if (!cluster.kafka().process().isAlive()) {
            System.out.println("starting Kafka again");
            cluster.restart("kafka");
        }
        List<String> services = new ArrayList<>(LocalCluster.coordinators());
        services.addAll(LocalCluster.members());
        for (String name : services) {
            if (!cluster.service(name).process().isAlive()) {
                System.out.println("starting " + name + " again");
                cluster.restart(name);
            }
        }
    }

    /**
     * Waits until one member holds the leader key and runs as primary with two streaming walsenders,
     * the two others are replicas (member key) whose WAL receiver streams, and the read-write port
     * reaches the leader.
     */
    public void awaitHealthy() {
        String rw = readWriteUrl();
        String[] last = {""};
        try {
            Wait.until(healthy, "one leader and two streaming replicas, the read-write port on the leader", () -> {
                ClusterSnapshot snapshot = store.read();
                String leader = snapshot.leader().map(l -> l.member()).orElse(null);
                if (leader == null) {
                    last[0] = "no leader key";
                    return false;
                }
                for (String member : LocalCluster.members()) {
                    MemberEntry entry = snapshot.members().get(member);
                    if (entry == null || entry.status() == null) {
                        last[0] = member + " has no member key";
                        return false;
                    }
                    if (member.equals(leader)) {
                        if (entry.status().role() != MemberStatus.Role.PRIMARY
                                || Boolean.TRUE.equals(query(memberUrl(member), "SELECT pg_is_in_recovery()"))
                                || ((Number)
                                                        query(
                                                                memberUrl(member),
                                                                "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"))
                                                .intValue()
                                        != 2) {
                            last[0] = member + " (leader) not a primary with two streaming standbys";
                            return false;
                        }
                    } else if (!entry.status().isRunningReplica()
                            || !"streaming"
                                    .equals(query(memberUrl(member), "SELECT status FROM pg_stat_wal_receiver"))) {
                        last[0] = member + " is " + entry.status().role() + "/"
                                + entry.status().state() + ", not a streaming replica";
                        return false;
                    }
                }
                if (!leader.equals(query(rw, "SELECT current_setting('cluster_name')"))) {
                    last[0] = "the read-write port does not reach " + leader;
                    return false;
                }
                return true;
            });
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + " (last seen: " + last[0] + ")", e);
        }
    }

    /** The superuser's URL of {@code member}'s PostgreSQL, verified against the cluster's CA while TLS is on. */
    public String memberUrl(String member) {
        int index = LocalCluster.members().indexOf(member);
        return PostgresNode.jdbcUrl(cluster.host(member), ports.postgres(index)) + cluster.jdbcTlsParameters()
                + "&password=" + password;
    }

    /** The superuser's URL of HAProxy's read-write port, verified against the cluster's CA while TLS is on. */
    public String readWriteUrl() {
        return PostgresNode.jdbcUrl(Ports.LOOPBACK, ports.readWrite()) + cluster.jdbcTlsParameters() + "&password="
                + password;
    }

    public Object query(String url, String sql) throws Exception {
        return PostgresNode.queryValue(url, sql);
    }

    public String leader() {
        return store.read()
                .leader()
                .orElseThrow(() -> new AssertionError("no leader key"))
                .member();
    }

    public long epoch() {
        return store.read()
                .leader()
                .orElseThrow(() -> new AssertionError("no leader key"))
                .modRevision();
    }

    /** Turns synchronous mode on (once) and waits until the leader applies a promotable sync standby. */
    public void synchronousMode() throws Exception {
        if (!status().path("synchronous").path("mode").asBoolean()) {
            HttpResponse<String> patched =
                    send(LocalCluster.coordinators().get(0), "PATCH", API + "/config", "{\"synchronous_mode\":true}");
            assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        }
        String[] sync = {null};
        Wait.until(Duration.ofSeconds(60), "a promotable sync standby applied by the leader", () -> {
            Set<String> promotable = promotable();
            if (promotable.isEmpty()) {
                return false;
            }
            sync[0] = promotable.iterator().next();
            return String.valueOf(query(memberUrl(leader()), "SHOW synchronous_standby_names"))
                    .contains(sync[0]);
        });
        System.out.println("synchronous mode: promotable " + promotable() + ", leader " + leader());
    }

    /** Turns synchronous mode off (once) and waits until the leader names no synchronous standby. */
    /** PATCHes the dynamic config with {@code patch} (a JSON merge patch); it must be accepted. */
    public void patchConfig(String patch) throws Exception {
        HttpResponse<String> patched = send(LocalCluster.coordinators().get(0), "PATCH", API + "/config", patch);
        assertThat(patched.statusCode())
                .as("PATCH " + patch + ": " + patched.body())
                .isEqualTo(200);
    }

    public void asynchronousMode() throws Exception {
        if (status().path("synchronous").path("mode").asBoolean()) {
            HttpResponse<String> patched =
                    send(LocalCluster.coordinators().get(0), "PATCH", API + "/config", "{\"synchronous_mode\":false}");
            assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        }
        Wait.until(Duration.ofSeconds(60), "the leader names no synchronous standby", () -> String.valueOf(
                        query(memberUrl(leader()), "SHOW synchronous_standby_names"))
                .isBlank());
        System.out.println("asynchronous mode, leader " + leader());
    }

    public Set<String> promotable() throws Exception {
        Set<String> promotable = new TreeSet<>();
        status().path("synchronous").path("promotable").forEach(m -> promotable.add(m.asText()));
        return promotable;
    }

    public JsonNode status() throws Exception {
        for (String coordinator : LocalCluster.coordinators()) {
            if (cluster.service(coordinator).process().isAlive()) {
                return status(coordinator);
            }
        }
        throw new AssertionError("no coordinator runs");
    }

    public JsonNode status(String coordinator) throws Exception {
        HttpResponse<String> response = send(coordinator, "GET", API, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.MAPPER.readTree(response.body());
    }

    public List<JsonNode> history() throws Exception {
        HttpResponse<String> response = send(LocalCluster.coordinators().get(0), "GET", API + "/history", null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<JsonNode> rows = new ArrayList<>();
        Json.MAPPER.readTree(response.body()).forEach(rows::add);
        return rows;
    }

    public HttpResponse<String> send(String coordinator, String method, String path, String body) throws Exception {
        QuarkusService service = cluster.service(coordinator);
        HttpRequest.Builder request = HttpRequest.newBuilder(service.uri(path))
                .timeout(Duration.ofSeconds(90))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (!"GET".equals(method)) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The index of the member that is etcd's raft leader ({@code etcdctl endpoint status}, with the
     * cluster's client certificate while TLS is on).
     */
    public int etcdLeaderIndex(EtcdCluster etcd) throws Exception {
        EtcdAccess access = cluster.etcdAccess();
        for (int i = 0; i < etcd.members().size(); i++) {
            List<String> command = new ArrayList<>(List.of(
                    Commands.require("etcdctl", "etcd-client").toString(),
                    "--endpoints",
                    etcd.member(i).endpoint(),
                    "--command-timeout=5s"));
            access.tls().ifPresent(tls -> {
                command.addAll(List.of("--cacert", tls.caFile().toString()));
                tls.certFile().ifPresent(cert -> command.addAll(List.of("--cert", cert.toString())));
                tls.keyFile().ifPresent(key -> command.addAll(List.of("--key", key.toString())));
            });
            command.addAll(List.of("endpoint", "status", "-w", "json"));
            Commands.Result result =
                    Commands.run(command, java.util.Map.of("ETCDCTL_API", "3"), Duration.ofSeconds(10));
            int json = result.output().indexOf('[');
            if (!result.ok() || json < 0) {
                continue; // a stopped member answers nothing
            }
            for (JsonNode endpoint : Json.MAPPER.readTree(result.output().substring(json))) {
                JsonNode status = endpoint.path("Status");
                if (status.path("leader")
                        .asText()
                        .equals(status.path("header").path("member_id").asText())) {
                    return i;
                }
            }
        }
        throw new AssertionError("no etcd member says it leads");
    }

    /** Keeps every component's log (and PostgreSQL's) under target/ once the processes have stopped. */
    public static void copyLogs(Path home, String folder) {
        Path target = Path.of("target", folder);
        try {
            Workspace.deleteRecursively(target);
            Files.createDirectories(target);
            try (Stream<Path> logs = Files.list(home.resolve("logs"))) {
                for (Path log : logs.toList()) {
                    Files.copy(log, target.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            for (String member : LocalCluster.members()) {
                Path log = home.resolve("nodes").resolve(member).resolve("postgresql.log");
                if (Files.exists(log)) {
                    Files.copy(log, target.resolve(member + "-postgresql.log"), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            System.out.println("component logs copied to " + target.toAbsolutePath());
        } catch (IOException e) {
            System.err.println("could not copy the logs to " + target + ": " + e);
        }
    }
}
