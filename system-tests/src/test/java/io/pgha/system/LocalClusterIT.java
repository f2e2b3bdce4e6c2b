package io.pgha.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.core.Json;
import io.pgha.events.Topics;
import io.pgha.local.LocalInfra;
import io.pgha.local.LocalProcess;
import io.pgha.local.MonitoringFiles;
import io.pgha.local.Ports;
import io.pgha.local.PostgresNode;
import io.pgha.local.Prometheus;
import io.pgha.local.Wait;
import io.pgha.local.cli.LocalCluster;
import io.pgha.local.cli.LocalPorts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What {@code ./pgha up / status / down} do, with every service of the suite, on freshly chosen free
 * ports and in a temporary home instead of ./.pgha (so that it never meets a running {@code ./pgha up}).
 * The processes also die with this JVM, and {@code down} is run after the test whatever happened.
 */
class LocalClusterIT {
    private static final Duration SCRAPED = Duration.ofSeconds(60);
    private static final Duration ALERTED = Duration.ofSeconds(45);
    /** The issue's bound from kill to alert-service's alert in Alertmanager. */
    private static final Duration EVENT_ALERTED = Duration.ofSeconds(5);

    private static final Pattern METRIC = Pattern.compile("\\b(pgha|haproxy)_[a-z0-9_]+");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    final LocalInfra infra = LocalInfra.perTest();

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final LocalPorts ports = LocalPorts.free();
    private LocalCluster cluster;
    private boolean passed;

    @Test
    void upRoutesWritesAndReadsThroughHaproxyStatusShowsTheMembersAndDownLeavesNothing() throws Exception {
        cluster = new LocalCluster(infra.workspace(), ports, new PrintStream(printed, true, StandardCharsets.UTF_8));
        // closed in reverse order after the test: down first, then (on failure) what is left to read
        infra.track(() -> {
            if (!passed) {
                printOutputAndPostgresLogs();
            }
        });
        infra.track(() -> cluster.down(false));
        Path home = cluster.home();

        cluster.up();

        String up = output();
        assertThat(up)
                .contains("etcd ready", "kafka ready", "agents: ", "routing: :" + ports.readWrite() + " -> ")
                .contains("psql -h 127.0.0.1 -p " + ports.readWrite() + " -U postgres")
                .contains("psql -h 127.0.0.1 -p " + ports.readOnly() + " -U postgres")
                .contains("psql -h 127.0.0.1 -p " + ports.pooler() + " -U <role> postgres_ro")
                .contains("127.0.0.1:" + ports.kafka())
                .contains(Topics.TOPOLOGY.name(), Topics.NODE_HEALTH.name(), Topics.ELECTION.name());
        // every pgha service's REST API is printed as https (issue 21); Prometheus and Alertmanager stay http
        for (int i = 0; i < LocalPorts.NODES; i++) {
            assertThat(up).contains("https://127.0.0.1:" + ports.agent(i) + "/patroni");
        }
        for (int i = 0; i < LocalPorts.COORDINATORS; i++) {
            assertThat(up).contains("https://127.0.0.1:" + ports.coordinator(i));
        }
        assertThat(up)
                .contains("https://127.0.0.1:" + ports.monitor())
                .contains("https://127.0.0.1:" + ports.renderer());
        assertThat(up)
                .contains("first base backup complete")
                .contains("https://127.0.0.1:" + ports.backup() + "/api/v1/clusters/pgha/backups")
                .contains("./pgha restore --time");
        assertThat(up)
                .contains("http://127.0.0.1:" + ports.prometheus())
                .contains("http://127.0.0.1:" + ports.alertmanager())
                .contains("https://127.0.0.1:" + ports.alertService());
        assertThat(up)
                .doesNotContainPattern("http://127\\.0\\.0\\.1:("
                        + restPorts().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining("|"))
                        + ")\\b");
        Path tokenFile = home.resolve(LocalCluster.TOKEN_FILE);
        String token = Files.readString(tokenFile).strip();
        assertThat(up).contains(token);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)))
                .isEqualTo("rw-------");

        // status, as another JVM would run it (from state.properties and etcd): one leader, two streaming
        Wait.until(Duration.ofSeconds(30), "status shows a leader and two streaming replicas", () -> {
            String status = statusFromAnotherLauncher(home);
            return status.lines()
                                    .filter(l -> l.matches(
                                            "\\| pg-\\d +\\| 127\\.0\\.0\\.1:\\d+ +\\| Leader +\\| running .*"))
                                    .count()
                            == 1
                    && status.lines()
                                    .filter(
                                            l -> l.matches(
                                                    "\\| pg-\\d +\\| 127\\.0\\.0\\.1:\\d+ +\\| Replica +\\| streaming +\\| +\\d+ \\| +\\d+ \\|"))
                                    .count()
                            == 2;
        });

        String status = statusFromAnotherLauncher(home);
        assertThat(status)
                .containsPattern("alertmanager +\\d+ +running +http://127\\.0\\.0\\.1:" + ports.alertmanager())
                .containsPattern("alert-service +\\d+ +running +https://127\\.0\\.0\\.1:" + ports.alertService())
                .containsPattern("coordinator-0 +\\d+ +running +https://127\\.0\\.0\\.1:" + ports.coordinator(0))
                .containsPattern("prometheus +\\d+ +running +http://127\\.0\\.0\\.1:" + ports.prometheus());

        String password = Files.readString(home.resolve(LocalCluster.SUPERUSER_PASSWORD_FILE))
                .strip();
        String rw = PostgresNode.jdbcUrl(Ports.LOOPBACK, ports.readWrite()) + "&password=" + password;
        String ro = PostgresNode.jdbcUrl(Ports.LOOPBACK, ports.readOnly()) + "&password=" + password;
        PostgresNode.execute(rw, "CREATE TABLE system_it (id int)");
        PostgresNode.execute(rw, "INSERT INTO system_it VALUES (7)");
        Wait.until(Duration.ofSeconds(15), "the row read back from a replica through the read-only port", () -> {
            try (var c = java.sql.DriverManager.getConnection(ro);
                    var st = c.createStatement();
                    var rows = st.executeQuery("SELECT pg_is_in_recovery(), (SELECT id FROM system_it)")) {
                return rows.next() && rows.getBoolean(1) && rows.getInt(2) == 7;
            }
        });

        assertPostgresServesTlsOnly(home, password, up);
        assertEveryRestApiServesHttpsOnly(home);
        assertEtcdRefusesClientsWithoutACertificate(home);
        assertEtcdRolesAreOn(home);

        // the pooled endpoint: an ordinary role (looked up with auth_query), postgres on the primary,
        // postgres_ro on a replica
        PostgresNode.execute(rw, "CREATE ROLE pooled_it LOGIN PASSWORD 'pooled-it-secret'");
        String pooled = "jdbc:postgresql://" + Ports.LOOPBACK + ":" + ports.pooler()
                + "/%s?user=pooled_it&password=pooled-it-secret&prepareThreshold=0&connectTimeout=3&socketTimeout=30";
        Wait.until(
                Duration.ofSeconds(30),
                "the primary through the pooled endpoint",
                () -> Boolean.FALSE.equals(
                        PostgresNode.queryValue(pooled.formatted("postgres"), "SELECT pg_is_in_recovery()")));
        Wait.until(
                Duration.ofSeconds(30),
                "a replica through the pooled read-only database",
                () -> Boolean.TRUE.equals(
                        PostgresNode.queryValue(pooled.formatted("postgres_ro"), "SELECT pg_is_in_recovery()")));

        assertMonitoringSeesTheCluster();
        assertAKilledReplicaIsAnAlertInAlertmanagerUntilItIsBack();

        assertNoSecretLeaks(home);

        cluster.up();
        assertThat(output()).contains("pgha is already running");

        List<Long> pids = recordedPids(home);
        assertThat(pids)
                .hasSize(15); // etcd, kafka, 3 agents, 2 coordinators, monitor, haproxy, renderer, backup-service,
        // alertmanager, alert-service, prometheus, pgbouncer
        cluster.down(false);
        for (long pid : pids) {
            assertThat(LocalProcess.groupAlive(pid))
                    .as("process group %d left", pid)
                    .isFalse();
        }
        for (Map.Entry<String, Integer> port : ports.all().entrySet()) {
            Wait.until(
                    Duration.ofSeconds(10),
                    port.getKey() + " port " + port.getValue() + " free after down",
                    () -> Ports.isFree(Ports.LOOPBACK, port.getValue()));
        }
        assertThat(Files.exists(home.resolve("nodes")))
                .as("data kept without --purge")
                .isTrue();

        // up again on the kept data: a whole-stopped cluster starts by itself with every row (issue 13:
        // before, no member was ever promoted and up gave up after minutes)
        long again = System.nanoTime();
        cluster.up();
        System.out.printf("up again after down: %d ms%n", (System.nanoTime() - again) / 1_000_000);
        assertThat(PostgresNode.queryValue(rw, "SELECT count(*) FROM system_it WHERE id = 7"))
                .isEqualTo(1L);
        PostgresNode.execute(rw, "INSERT INTO system_it VALUES (8)");
        cluster.down(false);
        passed = true;
    }

    /**
     * {@code up} secures PostgreSQL by default (issue 21): the CA and certificates under {@code tls/} with
     * keys of mode 600, printed; a plaintext connection to a member is refused by pg_hba; a client that
     * verifies the server against the CA gets in through HAProxy on TLS; both replicas stream over TLS.
     */
    private void assertPostgresServesTlsOnly(Path home, String password, String up) throws Exception {
        Path tls = home.resolve("tls");
        Path ca = tls.resolve("ca.crt");
        assertThat(cluster.caCert()).contains(ca);
        assertThat(up)
                .contains("TLS: CA certificate " + ca)
                .contains("PGSSLMODE=verify-full PGSSLROOTCERT=" + ca + " psql -h 127.0.0.1 -p " + ports.readWrite());
        assertThat(readState(home))
                .containsEntry("tls", "on")
                .containsEntry("etcd.tls", "on")
                .containsEntry("kafka.security", "SASL_SSL");
        List<Path> keys = new ArrayList<>();
        try (Stream<Path> files = Files.list(tls)) {
            files.filter(f -> f.getFileName().toString().endsWith(".key")).forEach(keys::add);
        }
        assertThat(keys) // the CA's, each member's PostgreSQL and each etcd principal's
                .contains(tls.resolve("ca.key"), tls.resolve("pg-0.key"), tls.resolve("etcd-server.key"));
        for (String member : LocalCluster.members()) {
            keys.add(home.resolve("nodes").resolve(member).resolve("certs/server.key")); // the agent's copy
        }
        for (Path key : keys) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                    .as("mode of %s", key)
                    .isEqualTo("rw-------");
        }

        String plaintext =
                PostgresNode.jdbcUrl(Ports.LOOPBACK, ports.postgres(0)) + "&sslmode=disable&password=" + password;
        java.sql.SQLException refused = org.junit.jupiter.api.Assertions.assertThrows(
                java.sql.SQLException.class, () -> PostgresNode.queryValue(plaintext, "SELECT 1"));
        assertThat(refused.getMessage()).contains("no encryption");

        String verified = PostgresNode.jdbcUrl(Ports.LOOPBACK, ports.readWrite()) + "&sslmode=verify-full&sslrootcert="
                + ca + "&password=" + password;
        assertThat(PostgresNode.queryValue(verified, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"))
                .isEqualTo(Boolean.TRUE);
        Wait.until(
                Duration.ofSeconds(15),
                "both replicas stream over TLS (pg_stat_replication joined with pg_stat_ssl on the primary)",
                () -> ((Number) PostgresNode.queryValue(
                                        verified,
                                        "SELECT count(*) FROM pg_stat_replication r JOIN pg_stat_ssl s"
                                                + " ON s.pid = r.pid WHERE s.ssl AND r.state = 'streaming'"))
                                .longValue()
                        == LocalPorts.NODES - 1);
    }

    /** The REST ports of every pgha service: agents, coordinators, monitor, renderer, backup and alert services. */
    private List<Integer> restPorts() {
        List<Integer> rest = new ArrayList<>();
        for (int i = 0; i < LocalPorts.NODES; i++) {
            rest.add(ports.agent(i));
        }
        for (int i = 0; i < LocalPorts.COORDINATORS; i++) {
            rest.add(ports.coordinator(i));
        }
        rest.addAll(List.of(ports.monitor(), ports.renderer(), ports.backup(), ports.alertService()));
        return rest;
    }

    /**
     * Every service's REST API is https only by default (issue 21): plain http to its port gets no HTTP
     * answer, a client that does not trust the local CA fails the handshake, {@link
     * LocalCluster#httpClient()} (which trusts it) gets 200; each REST certificate's key is mode 600; the
     * agents publish https api_urls, so the coordinator reads them through the CA.
     */
    private void assertEveryRestApiServesHttpsOnly(Path home) throws Exception {
        for (int port : restPorts()) {
            io.pgha.local.ServiceSmokeChecks.assertServesHttpsOnly(Ports.LOOPBACK, port, cluster.httpClient());
        }
        List<String> components = new ArrayList<>(LocalCluster.members());
        components.addAll(LocalCluster.coordinators());
        components.addAll(List.of("health-monitor", "config-renderer", "backup-service", "alert-service"));
        for (String component : components) {
            Path cert = cluster.restCertificate(component).orElseThrow();
            Path key = cert.resolveSibling(cert.getFileName().toString().replace(".crt", ".key"));
            assertThat(cert).exists();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                    .as("mode of %s", key)
                    .isEqualTo("rw-------");
        }
        HttpResponse<String> view = cluster.httpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + ports.coordinator(0)
                                        + "/api/v1/clusters/" + LocalCluster.CLUSTER))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(view.statusCode()).as(view.body()).isEqualTo(200);
        JsonNode members = Json.MAPPER.readTree(view.body()).path("members");
        assertThat(members).hasSize(LocalPorts.NODES);
        for (JsonNode member : members) {
            assertThat(member.path("api_url").asText()).as(member.toString()).startsWith("https://127.0.0.1:");
        }
    }

    /** etcd serves https only and refuses a client that trusts its CA but shows no certificate (issue 21). */
    private void assertEtcdRefusesClientsWithoutACertificate(Path home) {
        List<String> endpoints = cluster.etcd().endpoints();
        assertThat(endpoints).allMatch(e -> e.startsWith("https://127.0.0.1:"));
        io.pgha.core.store.EtcdAccess noCertificate = new io.pgha.core.store.EtcdAccess(
                endpoints,
                java.util.Optional.of(new io.pgha.core.store.EtcdAccess.Tls(
                        home.resolve("tls/ca.crt"), java.util.Optional.empty(), java.util.Optional.empty())),
                java.util.Optional.empty(),
                java.util.Optional.empty(),
                java.util.Optional.empty());
        long start = System.nanoTime();
        org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> {
            try (var store = io.pgha.core.store.EtcdClusterStore.connect(
                    noCertificate, io.pgha.core.EtcdLayout.of(LocalCluster.CLUSTER), Duration.ofSeconds(3))) {
                store.read();
            }
        });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    /**
     * etcd's RBAC is on with pgha's role set (issue 21): an agent's principal reads its cluster and writes
     * its own member key, but may not write a coordinator's key; a certificate of the CA naming no role
     * reads nothing.
     */
    private void assertEtcdRolesAreOn(Path home) {
        io.pgha.local.Certificates authority = io.pgha.local.Certificates.authorityIn(home.resolve("tls"));
        io.pgha.core.EtcdLayout layout = io.pgha.core.EtcdLayout.of(LocalCluster.CLUSTER);
        String member = LocalCluster.NODES.get(1);
        io.pgha.local.Certificates.Issued agent =
                authority.issue(io.pgha.core.EtcdRoles.agent(LocalCluster.CLUSTER, member), List.of(Ports.LOOPBACK));
        assertThat(cluster.etcd()
                        .etcdctl(agent, List.of("get", "--print-value-only", layout.member(member)))
                        .output())
                .contains("\"api_url\"");
        var denied = org.junit.jupiter.api.Assertions.assertThrows(
                RuntimeException.class, () -> cluster.etcd().etcdctl(agent, List.of("put", layout.sync(), "{}")));
        assertThat(denied.getMessage()).contains("permission denied");
        io.pgha.local.Certificates.Issued nobody = authority.issue("nobody", List.of(Ports.LOOPBACK));
        var unknown = org.junit.jupiter.api.Assertions.assertThrows(
                RuntimeException.class, () -> cluster.etcd().etcdctl(nobody, List.of("get", layout.leader())));
        assertThat(unknown.getMessage()).containsAnyOf("permission denied", "user name not found");
    }

    private static Map<String, String> readState(Path home) throws IOException {
        Properties state = new Properties();
        try (Reader reader = Files.newBufferedReader(home.resolve("state.properties"))) {
            state.load(reader);
        }
        Map<String, String> map = new java.util.TreeMap<>();
        state.stringPropertyNames().forEach(k -> map.put(k, state.getProperty(k)));
        return map;
    }

    /**
     * Prometheus scrapes every process of the cluster, evaluates every shipped rule without error, has
     * every metric the rules and the dashboard name, and every query of every dashboard panel returns
     * series (no dead panel).
     */
    private void assertMonitoringSeesTheCluster() {
        Prometheus prometheus = cluster.prometheus();
        List<String> down = new ArrayList<>();
        int expected = LocalPorts.NODES + LocalPorts.COORDINATORS + 7;
        try {
            Wait.until(SCRAPED, "Prometheus scrapes all " + expected + " targets", () -> {
                List<Prometheus.Target> targets = prometheus.targets();
                down.clear();
                targets.stream()
                        .filter(t -> !t.health().equals("up"))
                        .forEach(t -> down.add(t.job() + " " + t.scrapeUrl() + " " + t.health() + " " + t.lastError()));
                return targets.size() == expected && down.isEmpty();
            });
        } catch (IllegalStateException e) {
            throw new AssertionError("targets not up: " + down + " (of " + prometheus.targets() + ")", e);
        }
        java.util.Set<String> services = Set.of(
                "node-agent",
                "failover-coordinator",
                "health-monitor",
                "config-renderer",
                "backup-service",
                "alert-service");
        assertThat(prometheus.targets())
                .as("every pgha service is scraped over https (verified against the local CA) and up")
                .filteredOn(t -> services.contains(t.job()))
                .hasSize(LocalPorts.NODES + LocalPorts.COORDINATORS + 4)
                .allMatch(t -> t.scrapeUrl().startsWith("https://127.0.0.1:")
                        && t.health().equals("up"));
        assertThat(prometheus.targets())
                .extracting(Prometheus.Target::job)
                .containsOnly(
                        "node-agent",
                        "failover-coordinator",
                        "health-monitor",
                        "config-renderer",
                        "backup-service",
                        "alert-service",
                        "haproxy",
                        "prometheus",
                        "alertmanager");

        MonitoringFiles files = MonitoringFiles.shipped();
        List<String> missing = new ArrayList<>();
        try {
            Wait.until(SCRAPED, "every metric the rules and the dashboard name is stored", () -> {
                missing.clear();
                List<String> stored = prometheus.metricNames();
                metricNamesIn(files).stream().filter(n -> !stored.contains(n)).forEach(missing::add);
                return missing.isEmpty();
            });
        } catch (IllegalStateException e) {
            throw new AssertionError(
                    "metrics named in " + files.ruleFiles() + " or " + files.dashboard()
                            + " that no pgha process exports: " + missing,
                    e);
        }

        List<String> dead = new ArrayList<>();
        List<MonitoringFiles.PanelQuery> queries =
                files.dashboardQueries(Map.of("cluster", LocalCluster.CLUSTER, "__rate_interval", "1m"));
        try {
            // rate() over 1m needs two scrapes: a few scrape intervals
            Wait.until(SCRAPED, "every dashboard query returns series", () -> {
                dead.clear();
                for (MonitoringFiles.PanelQuery q : queries) {
                    Prometheus.QueryResult result = prometheus.query(q.expr());
                    if (!result.ok()) {
                        dead.add("panel '" + q.panel() + "' " + q.refId() + ": " + q.expr() + " -> error "
                                + result.error());
                    } else if (result.seriesCount() == 0) {
                        dead.add("panel '" + q.panel() + "' " + q.refId() + ": " + q.expr() + " -> no series");
                    }
                }
                return dead.isEmpty();
            });
        } catch (IllegalStateException e) {
            throw new AssertionError("dead dashboard panels:\n  " + String.join("\n  ", dead), e);
        }
        assertThat(queries).hasSizeGreaterThan(20);

        Wait.until(
                SCRAPED,
                "every shipped rule evaluated without error",
                () -> !prometheus.rules().isEmpty()
                        && prometheus.rules().stream().allMatch(r -> r.health().equals("ok")));
    }

    /**
     * A replica killed: alert-service's PghaMemberDown reaches Alertmanager within {@link #EVENT_ALERTED}
     * of the kill (the issue's 5 s), Prometheus' rule of the same name within {@link #ALERTED}; started
     * again: resolved there. Both post the same labels, so Alertmanager holds one alert whose
     * generatorURL is that of the last post: alert-service's own REST URL, or Prometheus' graph URL.
     * Prometheus cannot fire before a scrape, its {@code for: 5s} and an evaluation (about 10 s), so an
     * alert within 5 s with alert-service's URL is alert-service's, and the URL turning into another one
     * later is Prometheus' post.
     */
    private void assertAKilledReplicaIsAnAlertInAlertmanagerUntilItIsBack() {
        Prometheus.QueryResult replicas =
                cluster.prometheus().query("max by (member) (pgha_member_role{cluster=\"pgha\"}) == 0");
        assertThat(replicas.seriesCount()).isEqualTo(LocalPorts.NODES - 1);
        String replica = replicas.series().get(0).path("metric").path("member").asText();
        String alertService = "https://127.0.0.1:" + ports.alertService() + "/api/v1/clusters/pgha/alerts";

        long killed = cluster.killNode(replica);
        Wait.until(
                EVENT_ALERTED,
                "alert-service's PghaMemberDown for " + replica + " in Alertmanager",
                () -> memberDownInAlertmanager(replica).contains(alertService));
        long eventAlertMillis = (System.nanoTime() - killed) / 1_000_000;
        System.out.printf(
                "kill -9 of %s -> PghaMemberDown (alert-service) in Alertmanager after %d ms%n",
                replica, eventAlertMillis);
        assertThat(eventAlertMillis)
                .as("kill -> alert-service's alert in Alertmanager (ms)")
                .isLessThanOrEqualTo(EVENT_ALERTED.toMillis());
        // Prometheus' own alert state, not Alertmanager's generatorURL: alert-service re-sends every
        // 30 s and its post can replace Prometheus' URL before a poll sees it (a fresh-clone run failed so)
        Wait.until(
                ALERTED,
                "Prometheus' PghaMemberDown for " + replica + " firing",
                () -> cluster.prometheus().alerts().stream()
                        .anyMatch(a -> a.labels().getOrDefault("alertname", "").equals("PghaMemberDown")
                                && replica.equals(a.labels().get("member"))
                                && a.state().equals("firing")));
        System.out.printf(
                "kill -9 of %s -> PghaMemberDown (Prometheus rule) firing in Prometheus after %d ms%n",
                replica, (System.nanoTime() - killed) / 1_000_000);

        cluster.restart(replica);
        Wait.until(
                ALERTED,
                "both PghaMemberDown for " + replica + " resolved in Alertmanager",
                () -> memberDownInAlertmanager(replica).isEmpty());
    }

    /** The generatorURLs of the active PghaMemberDown alerts of {@code member} in Alertmanager. */
    private List<String> memberDownInAlertmanager(String member) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.alertmanager()
                                + "/api/v2/alerts?active=true&silenced=true&inhibited=true"))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        List<String> generators = new ArrayList<>();
        for (JsonNode alert : Json.MAPPER.readTree(response.body())) {
            JsonNode labels = alert.path("labels");
            if (labels.path("alertname").asText().equals("PghaMemberDown")
                    && labels.path("member").asText().equals(member)) {
                generators.add(alert.path("generatorURL").asText());
            }
        }
        return generators;
    }

    /** The metric names ({@code pgha_*}, {@code haproxy_*}) in the shipped rules and dashboard. */
    private static Set<String> metricNamesIn(MonitoringFiles files) throws IOException {
        Set<String> names = new TreeSet<>();
        List<Path> all = new ArrayList<>(files.ruleFiles());
        all.add(files.dashboard());
        for (Path file : all) {
            Matcher m = METRIC.matcher(Files.readString(file));
            while (m.find()) {
                names.add(m.group());
            }
        }
        return names;
    }

    private static String statusFromAnotherLauncher(Path home) {
        ByteArrayOutputStream status = new ByteArrayOutputStream();
        new LocalCluster(home, LocalPorts.defaults(), new PrintStream(status, true, StandardCharsets.UTF_8)).status();
        return status.toString(StandardCharsets.UTF_8);
    }

    /**
     * No secret of the cluster (the API token, every PostgreSQL password) is in a command line, a log, an
     * event or a read endpoint's answer after a whole run with a failover of a replica (issue 21).
     */
    private void assertNoSecretLeaks(Path home) throws IOException {
        Map<String, String> secrets = new java.util.TreeMap<>();
        secrets.put(
                "API token",
                Files.readString(home.resolve(LocalCluster.TOKEN_FILE)).strip());
        try (Stream<Path> files = Files.list(home.resolve("secrets"))) {
            for (Path file : files.toList()) {
                secrets.put(
                        file.getFileName().toString(), Files.readString(file).strip());
            }
        }
        assertThat(secrets)
                .containsKeys("superuser-password", "replication-password", "monitoring-password", "pooler-password");
        // the Kafka SCRAM passwords of the admin and of every service (issue 21: ./pgha up runs SASL_SSL)
        try (Stream<Path> files = Files.list(home.resolve("kafka/secrets"))) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".password")).toList()) {
                secrets.put(
                        "Kafka " + file.getFileName(), Files.readString(file).strip());
            }
        }
        assertThat(secrets).containsKeys("Kafka admin.password", "Kafka failover-coordinator.password");
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < LocalPorts.NODES; i++) {
            String agent = "https://127.0.0.1:" + ports.agent(i);
            urls.addAll(List.of(agent + "/patroni", agent + "/cluster", agent + "/config", agent + "/history"));
            urls.add(agent + "/metrics");
        }
        String coordinator = "https://127.0.0.1:" + ports.coordinator(0) + "/api/v1/clusters/" + LocalCluster.CLUSTER;
        urls.addAll(List.of(coordinator, coordinator + "/config", coordinator + "/history"));
        urls.add("https://127.0.0.1:" + ports.backup() + "/api/v1/clusters/" + LocalCluster.CLUSTER + "/backups");
        for (int port : List.of(
                ports.coordinator(0), ports.monitor(), ports.renderer(), ports.backup(), ports.alertService())) {
            urls.add("https://127.0.0.1:" + port + "/q/metrics");
        }
        List<String> findings = new SecretScan(secrets)
                .commandLines()
                .logsUnder(cluster.home())
                .events(cluster.kafka().clientProperties(io.pgha.events.KafkaAcls.ADMIN))
                .responses(cluster.httpClient(), urls)
                .findings();
        assertThat(findings).as("secrets that leaked").isEmpty();
    }

    private static List<Long> recordedPids(Path home) throws IOException {
        Properties state = new Properties();
        try (Reader reader = Files.newBufferedReader(home.resolve("state.properties"))) {
            state.load(reader);
        }
        List<Long> pids = new ArrayList<>();
        state.stringPropertyNames().stream()
                .filter(key -> key.endsWith(".pid"))
                .forEach(key -> pids.add(Long.parseLong(state.getProperty(key))));
        return pids;
    }

    private String output() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    private void printOutputAndPostgresLogs() {
        System.err.println("\n===== what ./pgha up printed =====\n" + output());
        if (cluster == null) {
            return;
        }
        Path nodes = cluster.home().resolve("nodes");
        try (Stream<Path> dirs = Files.list(nodes)) {
            dirs.sorted()
                    .forEach(dir -> System.err.println("\n===== last 40 lines of " + dir.getFileName()
                            + "'s postgresql.log =====\n" + LocalProcess.tail(dir.resolve("postgresql.log"), 40)));
        } catch (IOException e) {
            System.err.println("(no PostgreSQL logs under " + nodes + ")");
        }
    }
}
