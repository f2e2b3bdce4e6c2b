package io.pgha.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgha.core.tls.AgentApiTrust;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The services' REST APIs in the manifests against what {@code ./pgha up} does (local/): every pgha service
 * serves HTTPS only with exactly the Quarkus properties of local's {@code QuarkusService.httpsProperties}
 * (as env vars, SmallRye's naming) and its own certificate from Secret {@code pgha-rest-<module>}; its
 * probes use HTTPS; every caller of the agents trusts the agents' CA through the property {@code LocalTls}
 * gives it; the PodMonitors of the services {@code LocalMonitoring} scrapes over https do so, verifying
 * against the service's CA by a name of its Service. A change on either side that the other does not follow
 * fails here.
 */
class RestHttpsTest {
    static final String QUARKUS_SERVICE = "local/src/main/java/io/pgha/local/QuarkusService.java";
    static final String LOCAL_TLS = "local/src/main/java/io/pgha/local/cli/LocalTls.java";
    static final String LOCAL_MONITORING = "local/src/main/java/io/pgha/local/cli/LocalMonitoring.java";

    /** The agents' REST certificate: callers of the agents trust its {@code ca.crt}. */
    static final String AGENT_SECRET = secretOf("node-agent");

    /**
     * Who calls the agents' REST API inside the cluster, and the property it trusts the agents' CA with
     * (the one LocalTls gives it): the coordinator (/patroni, promote, demote, switchover), the agents
     * (archive_command's and restore_command's curl to themselves, the failsafe calls to each other) and
     * config-renderer (HAProxy's health checks, {@code check-ssl verify required ca-file}).
     */
    static final Map<String, String> AGENT_CALLERS = Map.of(
            "failover-coordinator", AgentApiTrust.PROPERTY,
            "node-agent", AgentApiTrust.PROPERTY,
            "config-renderer", "pgha.renderer.checks.ca-file");

    /** The Secret of {@code module}'s REST certificate. */
    static String secretOf(String module) {
        return "pgha-rest-" + module;
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyServiceServesHttpsOnlyAsPghaUpDoes(String overlay) {
        assertThat(httpsProblems(Rendered.overlay(overlay)))
                .as("overlay " + overlay)
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyCallerOfTheAgentsTrustsTheirCa(String overlay) {
        assertThat(trustProblems(Rendered.overlay(overlay)))
                .as("overlay " + overlay)
                .isEmpty();
    }

    @Test
    void prometheusScrapesEveryServiceOverVerifiedHttps() {
        assertThat(scrapeProblems(Rendered.overlay("prod"))).isEmpty();
    }

    @Test
    void theChecksFindADrift() {
        // the same manifests with one thing each changed the way a hand edit would
        Rendered probe = mutated(
                "prod",
                o -> o.path("kind").asText().equals("Deployment")
                        && Rendered.name(o).equals("health-monitor"),
                o -> ((ObjectNode) container(o).path("readinessProbe").path("httpGet")).remove("scheme"));
        assertThat(httpsProblems(probe)).anyMatch(p -> p.contains("readinessProbe must use scheme HTTPS"));
        Rendered port = mutated("prod", o -> Rendered.name(o).equals("alert-service") && o.has("spec"), o -> {
            if (o.path("kind").asText().equals("Deployment")) {
                for (JsonNode e : container(o).path("env")) {
                    if (e.path("name").asText().equals("QUARKUS_HTTP_SSL_PORT")) {
                        ((ObjectNode) e).put("value", "8443");
                    }
                }
            }
        });
        assertThat(httpsProblems(port)).anyMatch(p -> p.contains("QUARKUS_HTTP_SSL_PORT"));
        Rendered unquoted = mutated(
                "prod",
                o -> o.path("kind").asText().equals("Deployment")
                        && Rendered.name(o).equals("failover-coordinator"),
                o -> {
                    for (JsonNode e : container(o).path("env")) {
                        if (e.path("name").asText().equals("QUARKUS_TLS_KEY_STORE_PEM__0__CERT")) {
                            ((ObjectNode) e).put("name", "QUARKUS_TLS_KEY_STORE_PEM_0_CERT");
                        }
                    }
                });
        assertThat(httpsProblems(unquoted))
                .anyMatch(p -> p.contains("QUARKUS_TLS_KEY_STORE_PEM__0__CERT (quarkus.tls.key-store.pem.0.cert"))
                .anyMatch(p -> p.contains("QUARKUS_TLS_KEY_STORE_PEM_0_CERT is not one of"));
        Rendered trust = mutated(
                "prod",
                o -> o.path("kind").asText().equals("Deployment")
                        && Rendered.name(o).equals("failover-coordinator"),
                o -> {
                    for (JsonNode v : Rendered.podSpec(o).path("volumes")) {
                        if (v.path("name").asText().equals("agent-api-ca")) {
                            ((ObjectNode) v.path("secret")).put("secretName", secretOf("failover-coordinator"));
                        }
                    }
                });
        assertThat(trustProblems(trust)).anyMatch(p -> p.contains("must come from Secret " + AGENT_SECRET));
        Rendered scrape = mutated(
                "prod",
                o -> o.path("kind").asText().equals("PodMonitor")
                        && Rendered.name(o).equals("backup-service"),
                o -> ((ObjectNode) o.path("spec").path("podMetricsEndpoints").get(0)).put("scheme", "http"));
        assertThat(scrapeProblems(scrape)).anyMatch(p -> p.contains("PodMonitor/backup-service"));
    }

    /** Every pgha service container: HTTPS only with httpsProperties' settings; probes over HTTPS. */
    static List<String> httpsProblems(Rendered r) {
        Map<String, Optional<String>> https = httpsProperties();
        List<String> problems = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        for (JsonNode w : r.workloads()) {
            for (JsonNode c : Rendered.podSpec(w).path("containers")) {
                Optional<Modules.Service> s = Modules.byImage(c.path("image").asText());
                if (s.isEmpty() || c.has("command")) {
                    continue;
                }
                String module = s.get().module();
                seen.add(module);
                String where = Rendered.id(w) + " container " + c.path("name").asText();
                Map<String, String> env = env(c);
                int port = DeployConsistencyTest.namedPort(c, s.get().httpPortName())
                        .map(p -> p.path("containerPort").asInt())
                        .orElse(-1);
                Set<String> expected = new TreeSet<>();
                https.forEach((property, literal) -> {
                    // map keys quoted (QUARKUS_TLS_KEY_STORE_PEM__0__CERT): the only form Quarkus reads
                    String name = Modules.catalog(module).envNameOf(property).orElse(ConfigCatalog.envName(property));
                    expected.add(name);
                    String value = env.get(name);
                    if (value == null) {
                        problems.add(where + ": " + name + " (" + property + ", as ./pgha up sets it) is not set");
                    } else if (literal.isPresent()) {
                        if (!literal.get().equals(value)) {
                            problems.add(where + ": " + name + " must be " + literal.get() + ", not " + value);
                        }
                    } else if (property.equals("quarkus.http.ssl-port")) {
                        if (!value.equals(Integer.toString(port))) {
                            problems.add(where + ": " + name + " " + value + " must be the container port '"
                                    + s.get().httpPortName() + "' (" + port + ")");
                        }
                    } else if (property.endsWith(".cert") || property.endsWith(".key")) {
                        DeployConsistencyTest.secretOf(w, c, value, secretOf(module), where + ": " + name, problems);
                        DeployConsistencyTest.mountedFile(
                                r, w, c, value, property.endsWith(".key"), where + ": " + name, problems);
                    } else {
                        problems.add(QUARKUS_SERVICE + " sets " + property + ", which RestHttpsTest does not know:"
                                + " say what the manifests must set for it");
                    }
                    if (Modules.catalog(module).forEnv(name).isEmpty()) {
                        problems.add(where + ": " + name + " maps to no property " + module + " reads");
                    }
                });
                for (String name : env.keySet()) {
                    if (name.matches("QUARKUS_(TLS|HTTP_SSL|HTTP_INSECURE)_.*") && !expected.contains(name)) {
                        problems.add(where + ": " + name + " is not one of ./pgha up's HTTPS settings " + expected);
                    }
                }
                for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                    JsonNode get = c.path(probe).path("httpGet");
                    if (!get.isMissingNode()
                            && !"HTTPS".equals(get.path("scheme").asText())) {
                        problems.add(where + ": " + probe + " must use scheme HTTPS (the REST API serves HTTPS only)");
                    }
                }
            }
        }
        if (!seen.containsAll(
                Modules.SERVICES.stream().map(Modules.Service::module).toList())) {
            problems.add("not every pgha service was found: " + seen);
        }
        return problems;
    }

    /** Every caller of the agents sets its CA property to ca.crt of the agents' Secret; HAProxy sees the file too. */
    static List<String> trustProblems(Rendered r) {
        List<String> problems = new ArrayList<>();
        String localTls = read(LOCAL_TLS);
        Set<String> seen = new TreeSet<>();
        for (Rendered.ServiceContainer sc : r.serviceContainers()) {
            String module = sc.service().module();
            if (!AGENT_CALLERS.containsKey(module)) {
                continue;
            }
            JsonNode w = sc.workload();
            JsonNode c = sc.container();
            String property = AGENT_CALLERS.get(module);
            seen.add(module);
            String where = Rendered.id(w) + " container " + c.path("name").asText();
            if (Modules.catalog(module).forKey(property).isEmpty()) {
                problems.add(property + " is no property of " + module + ": follow its rename here");
            }
            boolean local = localTls.contains("\"" + property + "\"")
                    || (property.equals(AgentApiTrust.PROPERTY) && localTls.contains("AgentApiTrust.PROPERTY"));
            if (!local) {
                problems.add(LOCAL_TLS + " no longer sets " + property + ": follow ./pgha up here");
            }
            String name = ConfigCatalog.envName(property);
            String file = env(c).get(name);
            if (file == null) {
                problems.add(where + ": " + name + " is not set: " + module + " calls the agents over HTTPS");
                continue;
            }
            DeployConsistencyTest.secretOf(w, c, file, AGENT_SECRET, where + ": " + name, problems);
            DeployConsistencyTest.mountedFile(r, w, c, file, false, where + ": " + name, problems);
            if (!file.endsWith("/ca.crt")) {
                problems.add(where + ": " + name + " " + file + " must be the Secret's ca.crt");
            }
            if (module.equals("config-renderer")) {
                // HAProxy loads the ca-file the renderer writes into haproxy.cfg, in its own container
                JsonNode haproxy = DeployConsistencyTest.container(w, "haproxy");
                DeployConsistencyTest.secretOf(w, haproxy, file, AGENT_SECRET, Rendered.id(w) + " haproxy", problems);
                DeployConsistencyTest.mountedFile(
                        r, w, haproxy, file, false, Rendered.id(w) + " container haproxy", problems);
            }
        }
        if (!seen.equals(AGENT_CALLERS.keySet())) {
            problems.add("callers of the agents found " + seen + ", expected " + AGENT_CALLERS.keySet());
        }
        return problems;
    }

    /** PodMonitors of the jobs ./pgha up scrapes over https: https, the service's CA, a name of its Service. */
    static List<String> scrapeProblems(Rendered r) {
        List<String> problems = new ArrayList<>();
        List<String> jobs = stringList(read(LOCAL_MONITORING), "SERVICE_JOBS");
        Set<String> seen = new TreeSet<>();
        for (JsonNode pm : r.ofKind("PodMonitor")) {
            JsonNode selector = pm.path("spec").path("selector").path("matchLabels");
            for (JsonNode endpoint : pm.path("spec").path("podMetricsEndpoints")) {
                String job = DeployConsistencyTest.stream(endpoint.path("relabelings"))
                        .filter(l -> l.path("targetLabel").asText().equals("job"))
                        .map(l -> l.path("replacement").asText())
                        .findFirst()
                        .orElse("");
                if (!jobs.contains(job)) {
                    continue;
                }
                seen.add(job);
                String where = Rendered.id(pm) + " (job " + job + ")";
                if (!endpoint.path("scheme").asText().equals("https")) {
                    problems.add(where + ": scheme must be https (./pgha up scrapes " + job + " over https)");
                }
                JsonNode ca = endpoint.path("tlsConfig").path("ca").path("secret");
                if (!ca.path("name").asText().equals(secretOf(job))
                        || !ca.path("key").asText().equals("ca.crt")) {
                    problems.add(where + ": tlsConfig.ca must be key ca.crt of Secret " + secretOf(job));
                } else if (!DeployConsistencyTest.secretKeys(r, secretOf(job)).contains("ca.crt")) {
                    problems.add(where + ": Secret " + secretOf(job) + " has no ca.crt");
                }
                if (endpoint.path("tlsConfig").path("insecureSkipVerify").asBoolean(false)) {
                    problems.add(where + ": tlsConfig.insecureSkipVerify must not be set");
                }
                String serverName =
                        endpoint.path("tlsConfig").path("serverName").asText();
                boolean named = r.ofKind("Service").stream()
                        .anyMatch(svc -> Rendered.name(svc).equals(serverName)
                                && DeployConsistencyTest.matches(
                                        svc.path("spec").path("selector"), selector));
                if (!named) {
                    problems.add(where + ": tlsConfig.serverName '" + serverName + "' must be the name of a Service of"
                            + " its pods (a name the certificate carries; pod IPs are not in it)");
                }
            }
        }
        if (!seen.containsAll(jobs)) {
            problems.add("PodMonitors for " + seen + ", but ./pgha up scrapes " + jobs + " over https");
        }
        return problems;
    }

    /**
     * The properties {@code QuarkusService.httpsProperties} sets, each with its value when that is a string
     * literal (e.g. {@code quarkus.http.insecure-requests=disabled}).
     */
    static Map<String, Optional<String>> httpsProperties() {
        String source = read(QUARKUS_SERVICE);
        int start = source.indexOf("httpsProperties(Certificates.Issued");
        int end = source.indexOf("return p;", start);
        if (start < 0 || end < 0) {
            throw new AssertionError(QUARKUS_SERVICE + " has no httpsProperties(Certificates.Issued, int) ending in"
                    + " 'return p;': follow its change in RestHttpsTest");
        }
        Matcher m = Pattern.compile("p\\.put\\(\\s*\"([^\"]+)\"\\s*,\\s*(?:\"([^\"]*)\"\\s*\\)|[^;]+;)")
                .matcher(source.substring(start, end));
        Map<String, Optional<String>> properties = new LinkedHashMap<>();
        while (m.find()) {
            properties.put(m.group(1), Optional.ofNullable(m.group(2)));
        }
        if (properties.isEmpty()) {
            throw new AssertionError("found no property in " + QUARKUS_SERVICE + "'s httpsProperties");
        }
        return properties;
    }

    /** The string literals of {@code static final List<String> <name> = List.of(...)} in {@code source}. */
    static List<String> stringList(String source, String name) {
        Matcher m = Pattern.compile(name + "\\s*=\\s*List\\.of\\(([^;]*)\\);").matcher(source);
        if (!m.find()) {
            throw new AssertionError("no list " + name + " in the source");
        }
        List<String> values = new ArrayList<>();
        Matcher s = Pattern.compile("\"([^\"]+)\"").matcher(m.group(1));
        while (s.find()) {
            values.add(s.group(1));
        }
        return values;
    }

    private static Map<String, String> env(JsonNode c) {
        Map<String, String> env = new LinkedHashMap<>();
        c.path("env")
                .forEach(e -> env.put(e.path("name").asText(), e.path("value").asText(null)));
        return env;
    }

    private static JsonNode container(JsonNode w) {
        return Rendered.podSpec(w).path("containers").get(0);
    }

    /** {@code overlay}'s objects, copied, with {@code change} applied to those {@code which} selects. */
    static Rendered mutated(
            String overlay,
            java.util.function.Predicate<JsonNode> which,
            java.util.function.Consumer<JsonNode> change) {
        List<JsonNode> copy = new ArrayList<>();
        for (JsonNode o : Rendered.overlay(overlay).objects) {
            JsonNode c = o.deepCopy();
            if (which.test(c)) {
                change.accept(c);
            }
            copy.add(c);
        }
        return Rendered.of(overlay + "-mutated", copy);
    }

    private static String read(String path) {
        try {
            return Files.readString(Repo.root().resolve(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
