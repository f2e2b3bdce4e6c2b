package io.pgha.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.events.KafkaAcls;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The manifests against the services they run: ports, probes, env var names (each must be a property the
 * service reads, SmallRye's env naming), required properties, config files, Secrets and ConfigMaps, Service
 * selectors, HAProxy's wiring to config-renderer, and the NetworkPolicies against the table of the
 * connections pgha needs.
 */
class DeployConsistencyTest {
    /** Env vars that are not service properties, and why. */
    private static final Map<String, String> NOT_PROPERTIES =
            Map.of("POD_NAMESPACE", "the downward API's namespace, used in $(...) references of other env vars");

    /** The keys of a certificate's Secret (cert-manager's and kubernetes.io/tls layout plus the CA). */
    static final Set<String> TLS_KEYS = Set.of("tls.crt", "tls.key", "ca.crt");

    /**
     * Secrets an operator provides in prod (the dev overlay generates placeholders), with their keys;
     * docs/kubernetes.md must list each.
     */
    static final Map<String, Set<String>> OPERATOR_SECRETS = Map.ofEntries(
            Map.entry(
                    "pgha-postgres-credentials",
                    Set.of(
                            "superuser-password",
                            "replication-password",
                            "monitoring-password",
                            "pooler-password",
                            "pooler-admin-password")),
            Map.entry("pgha-api-token", Set.of("token")),
            Map.entry("pgha-s3", Set.of("access-key", "secret-key")),
            // certificates, in cert-manager's Secret layout (a Certificate's Secret has these three keys)
            Map.entry("pgha-postgres-tls", TLS_KEYS),
            Map.entry("pgha-etcd-server-tls", TLS_KEYS),
            Map.entry("pgha-etcd-peer-tls", TLS_KEYS),
            Map.entry("pgha-etcd-client-coordinator", TLS_KEYS),
            Map.entry("pgha-etcd-client-renderer", TLS_KEYS),
            Map.entry("pgha-etcd-client-backup", TLS_KEYS),
            Map.entry("pgha-etcd-client-pg-0", TLS_KEYS),
            Map.entry("pgha-etcd-client-pg-1", TLS_KEYS),
            Map.entry("pgha-etcd-client-pg-2", TLS_KEYS),
            // etcd's root, for the Job etcd-roles only (EtcdRolesScriptGeneratorTest)
            Map.entry("pgha-etcd-client-root", TLS_KEYS),
            // the REST APIs' certificates, one per service (RestHttpsTest: pgha-rest-<module>)
            Map.entry("pgha-rest-node-agent", TLS_KEYS),
            Map.entry("pgha-rest-failover-coordinator", TLS_KEYS),
            Map.entry("pgha-rest-health-monitor", TLS_KEYS),
            Map.entry("pgha-rest-config-renderer", TLS_KEYS),
            Map.entry("pgha-rest-backup-service", TLS_KEYS),
            Map.entry("pgha-rest-alert-service", TLS_KEYS));

    /**
     * Every connection into a pgha pod: target component, port, from whom. Peers: a component's name,
     * {@code operator} (pods labelled pgha.io/role=operator: pghactl and other tools), {@code prometheus} (any
     * pod of the namespace "monitoring"), {@code client} (pods labelled pgha.io/client=true in any namespace).
     */
    static final Set<String> CONNECTIONS = Set.of(
            // PostgreSQL: replication and pg_rewind, routed clients, SQL probes, pg_basebackup and drills
            "pg:5432<-pg",
            "pg:5432<-router",
            "pg:5432<-health-monitor",
            "pg:5432<-backup-service",
            // the agent: promote/demote/switchover, HAProxy's health checks, pghactl, /metrics
            "pg:8008<-failover-coordinator",
            "pg:8008<-router",
            "pg:8008<-operator",
            "pg:8008<-prometheus",
            // etcd clients and peers
            "etcd:2379<-pg",
            "etcd:2379<-failover-coordinator",
            "etcd:2379<-router",
            "etcd:2379<-backup-service",
            "etcd:2379<-etcd-roles",
            "etcd:2380<-etcd",
            // Kafka (Strimzi's listener policy): every service that publishes or consumes, and operators
            "kafka:9093<-failover-coordinator",
            "kafka:9093<-health-monitor",
            "kafka:9093<-alert-service",
            "kafka:9093<-backup-service",
            "kafka:9093<-router",
            "kafka:9093<-operator",
            // the services' REST APIs and metrics
            "failover-coordinator:8090<-operator",
            "failover-coordinator:8090<-prometheus",
            "health-monitor:8091<-operator",
            "health-monitor:8091<-prometheus",
            "backup-service:8093<-operator",
            "backup-service:8093<-prometheus",
            "alert-service:8094<-operator",
            "alert-service:8094<-prometheus",
            // HAProxy's listeners, config-renderer's API, HAProxy's stats and exporter
            "router:5000<-client",
            "router:5001<-client",
            "router:6432<-client",
            "router:8092<-operator",
            "router:8092<-prometheus",
            "router:7000<-prometheus");

    /** *_FILE settings that name a file the service writes (not one it reads), and what it is. */
    static final Map<String, String> OUTPUT_FILES = Map.of(
            "PGHA_RENDERER_HAPROXY_STATE_FILE", "HAProxy's server state, written by config-renderer before a reload");

    /**
     * *_FILE settings that name a file an init container of the pod writes into a shared emptyDir (from
     * Secrets it mounts), and what it is; PoolerTest checks what the init container writes.
     */
    static final Map<String, String> POD_MADE_FILES = Map.of(
            "PGHA_RENDERER_POOL_AUTH_FILE",
            "PgBouncer's auth file, written by an init container from Secret pgha-postgres-credentials");

    private static final Pattern REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void containersMatchTheServicesTheyRun(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        List<String> problems = new ArrayList<>();
        int services = 0;
        for (JsonNode w : r.workloads()) {
            for (JsonNode c : Rendered.podSpec(w).path("containers")) {
                String where = Rendered.id(w) + " container " + c.path("name").asText();
                Optional<Modules.Service> service =
                        Modules.byImage(c.path("image").asText());
                if (service.isEmpty() || c.has("command")) {
                    continue; // not a pgha service (etcd) or another program of its image (HAProxy)
                }
                services++;
                checkService(r, w, c, service.get(), where, problems);
            }
        }
        assertThat(services).as("pgha service containers").isGreaterThanOrEqualTo(Modules.SERVICES.size());
        assertThat(problems).as("overlay " + overlay).isEmpty();
    }

    private static void checkService(
            Rendered r, JsonNode w, JsonNode c, Modules.Service s, String where, List<String> problems) {
        ConfigCatalog catalog = Modules.catalog(s.module());
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode e : c.path("env")) {
            String name = e.path("name").asText();
            String value = e.has("value")
                    ? e.path("value").asText()
                    : "<from " + e.path("valueFrom").fieldNames().next() + ">";
            Matcher ref = REFERENCE.matcher(value);
            while (ref.find()) {
                if (!env.containsKey(ref.group(1))) {
                    problems.add(where + ": " + name + " refers to $(" + ref.group(1) + "), not defined before it");
                }
            }
            env.put(name, value);
            if (!NOT_PROPERTIES.containsKey(name) && catalog.forEnv(name).isEmpty()) {
                problems.add(where + ": env " + name + " maps to no property " + s.module() + " reads");
            }
        }
        // the REST port: the container port of that name is the port the service serves, quarkus.http.ssl-port
        // when it serves HTTPS only (RestHttpsTest), else quarkus.http.port
        boolean httpsOnly = "disabled".equals(env.get("QUARKUS_HTTP_INSECURE_REQUESTS"));
        String portProperty = httpsOnly ? "QUARKUS_HTTP_SSL_PORT" : "QUARKUS_HTTP_PORT";
        int port = Integer.parseInt(
                env.getOrDefault(portProperty, httpsOnly ? "8443" : Integer.toString(Modules.httpPort(s.module()))));
        Optional<JsonNode> http = namedPort(c, s.httpPortName());
        if (http.isEmpty() || http.get().path("containerPort").asInt() != port) {
            problems.add(where + ": container port '" + s.httpPortName() + "' must be " + port + " (" + portProperty
                    + " of " + s.module() + ")");
        }
        if (!"0.0.0.0".equals(env.get("QUARKUS_HTTP_HOST"))) {
            problems.add(where + ": QUARKUS_HTTP_HOST must be 0.0.0.0 (application.properties binds 127.0.0.1)");
        }
        // probes
        if (s.module().equals("node-agent")) {
            probe(c, "startupProbe", "/liveness", s, where, problems);
            probe(c, "livenessProbe", "/liveness", s, where, problems);
            probe(c, "readinessProbe", "/readiness", s, where, problems);
            int pgPort = Integer.parseInt(env.getOrDefault("PGHA_POSTGRES_PORT", "5432"));
            if (namedPort(c, "postgres")
                    .map(p -> p.path("containerPort").asInt() != pgPort)
                    .orElse(true)) {
                problems.add(where + ": container port 'postgres' must be " + pgPort + " (pgha.postgres.port)");
            }
        } else {
            if (!Modules.pom(s.module()).contains("<artifactId>quarkus-smallrye-health</artifactId>")) {
                problems.add(where + ": " + s.module() + " has no quarkus-smallrye-health: /q/health/* does not exist");
            }
            probe(c, "livenessProbe", "/q/health/live", s, where, problems);
            probe(c, "readinessProbe", "/q/health/ready", s, where, problems);
        }
        // config files mounted at <WORKDIR>/config/application.properties: every key a property
        Map<String, String> fileProperties = new LinkedHashMap<>();
        String configDir = DockerfileConsistencyTest.workdir(Modules.dockerfile(s)) + "/config";
        for (JsonNode m : c.path("volumeMounts")) {
            Optional<JsonNode> volume = volume(w, m.path("name").asText());
            if (volume.isEmpty()) {
                problems.add(where + ": volumeMount " + m.path("name").asText() + " has no volume");
                continue;
            }
            if (m.path("mountPath").asText().equals(configDir) && volume.get().has("configMap")) {
                String cm = volume.get().path("configMap").path("name").asText();
                String text = r.find("ConfigMap", cm)
                        .map(o -> o.path("data").path("application.properties").asText())
                        .orElse("");
                Properties p = load(text);
                for (String key : p.stringPropertyNames()) {
                    fileProperties.put(key, p.getProperty(key));
                    if (catalog.forKey(key).isEmpty()) {
                        problems.add(
                                where + ": " + cm + " sets " + key + ", a property " + s.module() + " does not read");
                    }
                }
            }
        }
        // required properties (no default, not optional) all have a value
        Properties app = Modules.applicationProperties(s.module());
        Set<String> imageEnv =
                DockerfileConsistencyTest.env(Modules.dockerfile(s)).keySet();
        for (ConfigCatalog.Property p : catalog.properties()) {
            if (p.required()
                    && !app.containsKey(p.name())
                    && !fileProperties.containsKey(p.name())
                    && !env.containsKey(ConfigCatalog.envName(p.name()))
                    && !imageEnv.contains(ConfigCatalog.envName(p.name()))) {
                problems.add(where + ": " + p.name() + " (required by " + s.module() + ") has no value: set "
                        + ConfigCatalog.envName(p.name()));
            }
        }
        // every *-file property (and the Kafka client's truststore): a file of a mounted Secret or ConfigMap
        // that has that key; secrets (passwords, tokens, keys) only from a Secret
        for (JsonNode e : c.path("env")) {
            String name = e.path("name").asText();
            if (!e.has("value") || !(name.endsWith("_FILE") || name.equals("KAFKA_SSL_TRUSTSTORE_LOCATION"))) {
                continue;
            }
            if (OUTPUT_FILES.containsKey(name)) {
                String file = e.path("value").asText();
                boolean writable = stream(c.path("volumeMounts"))
                        .anyMatch(m -> file.startsWith(m.path("mountPath").asText() + "/")
                                && !m.path("readOnly").asBoolean(false)
                                && volume(w, m.path("name").asText())
                                        .map(v -> v.has("emptyDir") || v.size() == 1)
                                        .orElse(false));
                if (!writable) {
                    problems.add(where + ": " + name + " (" + OUTPUT_FILES.get(name) + ") " + file
                            + " must be in a writable emptyDir or volume claim");
                }
                continue;
            }
            if (POD_MADE_FILES.containsKey(name)) {
                String file = e.path("value").asText();
                Optional<JsonNode> mount = stream(c.path("volumeMounts"))
                        .filter(m -> file.startsWith(m.path("mountPath").asText() + "/"))
                        .findFirst();
                boolean shared = mount.isPresent()
                        && volume(w, mount.get().path("name").asText())
                                .map(v -> v.has("emptyDir"))
                                .orElse(false)
                        && stream(Rendered.podSpec(w).path("initContainers"))
                                .anyMatch(init -> stream(init.path("volumeMounts"))
                                                .anyMatch(m -> m.path("name")
                                                        .asText()
                                                        .equals(mount.get()
                                                                .path("name")
                                                                .asText()))
                                        && init.path("command").toString().contains("> " + file));
                if (!shared) {
                    problems.add(where + ": " + name + " (" + POD_MADE_FILES.get(name) + ") " + file
                            + " must be in an emptyDir an init container writes it into");
                }
                continue;
            }
            boolean secret = name.matches(".*_(PASSWORD|TOKEN|KEY)_FILE");
            for (String file : expand(w, c, e.path("value").asText(), where + ": " + name, problems)) {
                mountedFile(r, w, c, file, secret, where + ": " + name, problems);
            }
        }
        fileProperties.forEach((key, value) -> {
            if (key.endsWith("-file")) {
                mountedFile(r, w, c, value, key.matches(".*(password|token|key)-file"), where + ": " + key, problems);
            }
        });
    }

    /**
     * The values {@code value} takes in the pods of {@code w}: {@code $(VAR)} references replaced by VAR's
     * value, or, for the pod's name (fieldRef metadata.name) in a StatefulSet, by each pod's name.
     */
    static List<String> expand(JsonNode w, JsonNode c, String value, String what, List<String> problems) {
        List<String> values = new ArrayList<>(List.of(value));
        Matcher ref = REFERENCE.matcher(value);
        while (ref.find()) {
            String var = ref.group(1);
            JsonNode def = stream(c.path("env"))
                    .filter(e -> e.path("name").asText().equals(var))
                    .findFirst()
                    .orElse(null);
            List<String> options;
            if (def != null && def.has("value")) {
                options = List.of(def.path("value").asText());
            } else if (def != null
                    && "metadata.name"
                            .equals(def.path("valueFrom")
                                    .path("fieldRef")
                                    .path("fieldPath")
                                    .asText())
                    && w.path("kind").asText().equals("StatefulSet")) {
                options = new ArrayList<>();
                for (int i = 0; i < w.path("spec").path("replicas").asInt(1); i++) {
                    options.add(Rendered.name(w) + "-" + i);
                }
            } else {
                problems.add(what + ": $(" + var + ") in " + value + " has no value the check can follow");
                return List.of();
            }
            List<String> next = new ArrayList<>();
            for (String v : values) {
                for (String o : options) {
                    next.add(v.replace("$(" + var + ")", o));
                }
            }
            values = next;
        }
        return values;
    }

    private static void probe(
            JsonNode c, String kind, String path, Modules.Service s, String where, List<String> problems) {
        JsonNode get = c.path(kind).path("httpGet");
        if (!get.path("path").asText().equals(path)) {
            problems.add(where + ": " + kind + " must be GET " + path);
            return;
        }
        JsonNode port = get.path("port");
        boolean ok = port.isInt()
                ? port.asInt()
                        == namedPort(c, s.httpPortName())
                                .map(p -> p.path("containerPort").asInt())
                                .orElse(-1)
                : port.asText().equals(s.httpPortName());
        if (!ok) {
            problems.add(where + ": " + kind + " must probe the port '" + s.httpPortName() + "'");
        }
        if (s.module().equals("node-agent") && !nodeAgentPaths().contains(path)) {
            problems.add(where + ": " + path + " is not one of the agent's health-check paths");
        }
    }

    /** The agent's health-check paths, read from its source (HealthChecks.PATHS). */
    static Set<String> nodeAgentPaths() {
        try {
            String source = Files.readString(
                    Modules.dir("node-agent").resolve("src/main/java/io/pgha/agent/api/HealthChecks.java"));
            Matcher m = Pattern.compile("PATHS\\s*=\\s*(?:List|Set)\\.of\\(([^;]*)\\);")
                    .matcher(source);
            Set<String> paths = new HashSet<>();
            if (m.find()) {
                Matcher s = Pattern.compile("\"(/[^\"]*)\"").matcher(m.group(1));
                while (s.find()) {
                    paths.add(s.group(1));
                }
            }
            return paths;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code file} is a file of a volume mounted into {@code c}: a Secret, ConfigMap or projected volume. */
    static void mountedFile(
            Rendered r, JsonNode w, JsonNode c, String file, boolean secretOnly, String what, List<String> problems) {
        JsonNode mount = null;
        for (JsonNode m : c.path("volumeMounts")) {
            String dir = m.path("mountPath").asText();
            if (file.startsWith(dir + "/")
                    && (mount == null
                            || dir.length() > mount.path("mountPath").asText().length())) {
                mount = m;
            }
        }
        if (mount == null) {
            problems.add(what + ": " + file + " is under no volume mount");
            return;
        }
        String name = file.substring(mount.path("mountPath").asText().length() + 1);
        JsonNode volume = volume(w, mount.path("name").asText()).orElse(null);
        if (volume == null) {
            problems.add(what + ": volume " + mount.path("name").asText() + " does not exist");
            return;
        }
        Set<String> files = new TreeSet<>();
        boolean fromSecret = true;
        if (volume.has("secret")) {
            files.addAll(volumeFiles(
                    r, "Secret", volume.path("secret").path("secretName").asText(), volume.path("secret")));
        } else if (volume.has("projected")) {
            for (JsonNode source : volume.path("projected").path("sources")) {
                if (source.has("secret")) {
                    files.addAll(volumeFiles(
                            r, "Secret", source.path("secret").path("name").asText(), source.path("secret")));
                } else if (source.has("configMap")) {
                    fromSecret = false;
                    files.addAll(volumeFiles(
                            r,
                            "ConfigMap",
                            source.path("configMap").path("name").asText(),
                            source.path("configMap")));
                }
            }
        } else if (volume.has("configMap")) {
            fromSecret = false;
            files.addAll(volumeFiles(
                    r, "ConfigMap", volume.path("configMap").path("name").asText(), volume.path("configMap")));
        } else {
            problems.add(what + ": " + file + " is in volume "
                    + volume.path("name").asText() + ", neither a Secret nor a ConfigMap: nothing puts the file there");
            return;
        }
        if (secretOnly && !fromSecret) {
            problems.add(what + ": " + file + " is a secret but comes from a ConfigMap");
        }
        if (!files.contains(name)) {
            problems.add(what + ": " + file + " is no file of volume "
                    + volume.path("name").asText() + " " + files);
        }
    }

    /** The files a Secret or ConfigMap volume (or projected source) gives: its items' paths, else every key. */
    private static Set<String> volumeFiles(Rendered r, String kind, String name, JsonNode source) {
        Set<String> files = new TreeSet<>();
        if (source.has("items")) {
            source.path("items").forEach(i -> files.add(i.path("path").asText()));
        } else if (kind.equals("Secret")) {
            files.addAll(secretKeys(r, name));
        } else {
            r.find("ConfigMap", name).ifPresent(o -> files.addAll(fieldNames(o.path("data"))));
        }
        return files;
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everySecretAndConfigMapReferencedExistsWithItsKeys(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        List<String> problems = new ArrayList<>();
        for (JsonNode w : r.workloads()) {
            JsonNode spec = Rendered.podSpec(w);
            for (JsonNode v : spec.path("volumes")) {
                for (JsonNode source : v.path("projected").path("sources")) {
                    if (source.has("secret")) {
                        keys(
                                r,
                                "Secret",
                                source.path("secret").path("name").asText(),
                                source.path("secret").path("items"),
                                Rendered.id(w),
                                problems);
                    }
                }
                if (v.has("secret")) {
                    keys(
                            r,
                            "Secret",
                            v.path("secret").path("secretName").asText(),
                            v.path("secret").path("items"),
                            Rendered.id(w),
                            problems);
                }
                if (v.has("configMap")) {
                    keys(
                            r,
                            "ConfigMap",
                            v.path("configMap").path("name").asText(),
                            v.path("configMap").path("items"),
                            Rendered.id(w),
                            problems);
                }
            }
            for (JsonNode c : Rendered.containers(w)) {
                for (JsonNode e : c.path("env")) {
                    JsonNode from = e.path("valueFrom");
                    if (from.has("secretKeyRef")) {
                        key(r, "Secret", from.path("secretKeyRef"), Rendered.id(w), problems);
                    }
                    if (from.has("configMapKeyRef")) {
                        key(r, "ConfigMap", from.path("configMapKeyRef"), Rendered.id(w), problems);
                    }
                }
                if (c.has("envFrom")) {
                    problems.add(Rendered.id(w) + ": envFrom hides which properties are set; name each env var");
                }
            }
        }
        assertThat(problems).as("overlay " + overlay).isEmpty();
    }

    private static void keys(
            Rendered r, String kind, String name, JsonNode items, String where, List<String> problems) {
        if (items.isMissingNode() || items.isEmpty()) {
            if (kind.equals("Secret")
                    ? secretKeys(r, name).isEmpty()
                    : r.find(kind, name).isEmpty()) {
                problems.add(where + ": " + kind + " " + name + " neither exists nor is operator-provided");
            }
            return;
        }
        items.forEach(i -> key(r, kind, nameAndKey(name, i.path("key").asText()), where, problems));
    }

    private static JsonNode nameAndKey(String name, String key) {
        return new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode()
                .put("name", name)
                .put("key", key);
    }

    private static void key(Rendered r, String kind, JsonNode ref, String where, List<String> problems) {
        String name = ref.path("name").asText();
        String key = ref.path("key").asText();
        Set<String> keys = kind.equals("Secret")
                ? secretKeys(r, name)
                : r.find(kind, name).map(o -> fieldNames(o.path("data"))).orElse(Set.of());
        if (!keys.contains(key)) {
            problems.add(where + ": " + kind + " " + name + " has no key " + key + " " + keys);
        }
    }

    /**
     * A Secret's keys: rendered (dev); made by Strimzi for a rendered resource (the cluster CA certificate
     * of a Kafka, the credentials of a SCRAM KafkaUser); or, when the overlay leaves it to the operator
     * (prod, and every certificate), the documented ones. Empty: nothing makes it.
     */
    static Set<String> secretKeys(Rendered r, String name) {
        Optional<JsonNode> rendered = r.find("Secret", name);
        if (rendered.isPresent()) {
            Set<String> keys = fieldNames(rendered.get().path("data"));
            keys.addAll(fieldNames(rendered.get().path("stringData")));
            return keys;
        }
        for (JsonNode kafka : r.ofKind("Kafka")) {
            if (name.equals(Rendered.name(kafka) + "-cluster-ca-cert")) {
                return STRIMZI_CA_KEYS;
            }
        }
        Optional<JsonNode> user = r.find("KafkaUser", name);
        if (user.isPresent()
                && user.get()
                        .path("spec")
                        .path("authentication")
                        .path("type")
                        .asText()
                        .equals("scram-sha-512")) {
            return STRIMZI_SCRAM_KEYS;
        }
        return OPERATOR_SECRETS.getOrDefault(name, Set.of());
    }

    /** The keys of Strimzi's Secret {@code <kafka>-cluster-ca-cert}. */
    static final Set<String> STRIMZI_CA_KEYS = Set.of("ca.crt", "ca.p12", "ca.password");

    /** The keys of the Secret Strimzi's user operator makes for a SCRAM-SHA-512 KafkaUser (named after it). */
    static final Set<String> STRIMZI_SCRAM_KEYS = Set.of("password", "sasl.jaas.config");

    @org.junit.jupiter.api.Test
    void everyTopicAServiceUsesIsAKafkaTopic() throws IOException {
        // the broker does not create topics (auto.create.topics.enable=false): each one must be a KafkaTopic
        Rendered r = Rendered.overlay("prod");
        assertThat(r.find("Kafka", "pgha")
                        .orElseThrow()
                        .path("spec")
                        .path("kafka")
                        .path("config")
                        .path("auto.create.topics.enable")
                        .asBoolean(true))
                .isFalse();
        Set<String> declared = new TreeSet<>();
        r.ofKind("KafkaTopic")
                .forEach(t -> declared.add(t.path("spec").path("topicName").asText(Rendered.name(t))));
        Set<String> used = new TreeSet<>();
        for (Modules.Service s : Modules.SERVICES) {
            Properties p = Modules.applicationProperties(s.module());
            for (String key : p.stringPropertyNames()) {
                if (key.startsWith("mp.messaging.") && (key.endsWith(".topic") || key.endsWith(".topics"))) {
                    for (String topic : p.getProperty(key).split(",")) {
                        used.add(topic.strip());
                    }
                }
            }
        }
        Matcher published = Pattern.compile("new Topic\\(\\s*\"([^\"]+)\"")
                .matcher(Files.readString(Repo.root().resolve("events/src/main/java/io/pgha/events/Topics.java")));
        while (published.find()) {
            used.add(published.group(1));
            used.add(published.group(1) + ".dlq");
        }
        assertThat(used)
                .as("topics the services consume, publish and dead-letter to")
                .hasSizeGreaterThan(5);
        assertThat(declared).containsAll(used);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void noDisruptionBudgetBlocksADrain(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        for (JsonNode pdb : r.ofKind("PodDisruptionBudget")) {
            for (JsonNode w : r.workloads()) {
                if (matches(pdb.path("spec").path("selector").path("matchLabels"), Rendered.podLabels(w))) {
                    int replicas = w.path("spec").path("replicas").asInt(1);
                    JsonNode min = pdb.path("spec").path("minAvailable");
                    JsonNode max = pdb.path("spec").path("maxUnavailable");
                    boolean allowsOne = max.isInt() ? max.asInt() >= 1 : min.isInt() && min.asInt() < replicas;
                    assertThat(allowsOne && replicas > 1)
                            .as(Rendered.id(pdb) + " on " + Rendered.id(w) + " (" + replicas
                                    + " replicas) must let a pod go;"
                                    + " with 1 replica remove the PDB: it would block every drain")
                            .isTrue();
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void docsListEveryOperatorProvidedSecretWithItsKeys() throws IOException {
        String docs = Files.readString(Repo.root().resolve("docs/kubernetes.md"));
        OPERATOR_SECRETS.forEach((secret, keys) -> {
            assertThat(docs).as("docs/kubernetes.md names Secret " + secret).contains("`" + secret + "`");
            keys.forEach(k -> assertThat(docs)
                    .as("docs/kubernetes.md names key " + k + " of " + secret)
                    .contains("`" + k + "`"));
        });
        // prod leaves exactly these to the operator: it generates none of them
        Rendered prod = Rendered.overlay("prod");
        OPERATOR_SECRETS.keySet().forEach(secret -> assertThat(prod.find("Secret", secret))
                .isEmpty());
    }

    @org.junit.jupiter.api.Test
    void everyPodMonitorScrapesANamedPortPrometheusMayReach() {
        Rendered r = Rendered.overlay("prod");
        assertThat(r.ofKind("PodMonitor")).isNotEmpty();
        for (JsonNode pm : r.ofKind("PodMonitor")) {
            JsonNode selector = pm.path("spec").path("selector").path("matchLabels");
            List<JsonNode> pods = r.workloads().stream()
                    .filter(w -> matches(selector, Rendered.podLabels(w)))
                    .toList();
            assertThat(pods).as(Rendered.id(pm) + " selects pods").isNotEmpty();
            for (JsonNode endpoint : pm.path("spec").path("podMetricsEndpoints")) {
                for (JsonNode w : pods) {
                    JsonNode port = Rendered.containers(w).stream()
                            .flatMap(c -> stream(c.path("ports")))
                            .filter(p -> p.path("name")
                                    .asText()
                                    .equals(endpoint.path("port").asText()))
                            .findFirst()
                            .orElseThrow(
                                    () -> new AssertionError(Rendered.id(pm) + ": no port " + endpoint.path("port")));
                    String target =
                            Rendered.podLabels(w).path("app.kubernetes.io/name").asText();
                    assertThat(CONNECTIONS)
                            .as(Rendered.id(pm) + ": Prometheus may reach " + target)
                            .contains(target + ":" + port.path("containerPort").asText() + "<-prometheus");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyServiceSelectsPodsAndTheirPorts(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        List<String> problems = new ArrayList<>();
        for (JsonNode svc : r.ofKind("Service")) {
            JsonNode selector = svc.path("spec").path("selector");
            List<JsonNode> pods = r.workloads().stream()
                    .filter(w -> matches(selector, Rendered.podLabels(w)))
                    .toList();
            if (selector.isEmpty() || pods.isEmpty()) {
                problems.add(Rendered.id(svc) + " selects no pod");
                continue;
            }
            for (JsonNode port : svc.path("spec").path("ports")) {
                JsonNode target = port.has("targetPort") ? port.path("targetPort") : port.path("port");
                for (JsonNode w : pods) {
                    boolean found = Rendered.containers(w).stream()
                            .flatMap(c -> stream(c.path("ports")))
                            .anyMatch(p -> target.isInt()
                                    ? p.path("containerPort").asInt() == target.asInt()
                                    : p.path("name").asText().equals(target.asText()));
                    if (!found) {
                        problems.add(
                                Rendered.id(svc) + ": port " + target + " is no container port of " + Rendered.id(w));
                    }
                }
            }
        }
        for (JsonNode s : r.ofKind("StatefulSet")) {
            if (r.find("Service", s.path("spec").path("serviceName").asText()).isEmpty()) {
                problems.add(Rendered.id(s) + ": its serviceName is no Service");
            }
        }
        for (JsonNode pdb : r.ofKind("PodDisruptionBudget")) {
            if (r.workloads().stream()
                    .noneMatch(w ->
                            matches(pdb.path("spec").path("selector").path("matchLabels"), Rendered.podLabels(w)))) {
                problems.add(Rendered.id(pdb) + " selects no pod");
            }
        }
        assertThat(problems).as("overlay " + overlay).isEmpty();
    }

    /**
     * The asynchronous fast failover promotes only once every router the coordinator knows of has fenced the
     * old primary (failover-coordinator's DESIGN.md): a router pod missing from the list would route on to it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theCoordinatorDeclaresEveryRouterPodForTheFastFailover(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        JsonNode router = r.find("StatefulSet", "router").orElseThrow();
        int replicas = router.path("spec").path("replicas").asInt(1);
        Set<String> pods = new TreeSet<>();
        for (int i = 0; i < replicas; i++) {
            pods.add(Rendered.name(router) + "-" + i);
        }
        JsonNode coordinator =
                container(r.find("Deployment", "failover-coordinator").orElseThrow(), "failover-coordinator");
        String declared = stream(coordinator.path("env"))
                .filter(e -> e.path("name").asText().equals("PGHA_COORDINATOR_FAST_FAILOVER_ROUTERS"))
                .map(e -> e.path("value").asText())
                .findFirst()
                .orElse("");
        assertThat(new TreeSet<>(List.of(declared.split(","))))
                .as("overlay " + overlay + ": PGHA_COORDINATOR_FAST_FAILOVER_ROUTERS of failover-coordinator must name"
                        + " every pod of StatefulSet router (its renderers' PGHA_RENDERER_NAME)")
                .isEqualTo(pods);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void haproxyAndConfigRendererAgreeOnFilesPortsAndServices(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        JsonNode router = r.find("StatefulSet", "router").orElseThrow();
        JsonNode haproxy = container(router, "haproxy");
        JsonNode renderer = container(router, "config-renderer");
        Map<String, String> env = new LinkedHashMap<>();
        renderer.path("env")
                .forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        String command = String.join(
                " ", stream(haproxy.path("command")).map(JsonNode::asText).toList());
        assertThat(command)
                .contains("-f " + env.get("PGHA_RENDERER_HAPROXY_CONFIG_PATH"))
                .contains("-S " + env.get("PGHA_RENDERER_HAPROXY_MASTER_SOCKET") + ",");
        String dir = env.get("PGHA_RENDERER_HAPROXY_CONFIG_PATH").replaceFirst("/[^/]+$", "");
        assertThat(mountedVolume(haproxy, dir))
                .as("HAProxy and config-renderer share " + dir)
                .isPresent()
                .isEqualTo(mountedVolume(renderer, dir));
        assertThat(Rendered.podSpec(router).path("volumes").findValues("emptyDir"))
                .isNotEmpty();
        String initial = r.find("ConfigMap", configMapName(router, "haproxy-initial"))
                .orElseThrow()
                .path("data")
                .path("haproxy.cfg")
                .asText();
        assertThat(initial)
                .contains("stats socket " + env.get("PGHA_RENDERER_HAPROXY_RUNTIME_SOCKET") + " ")
                .contains(":" + env.get("PGHA_RENDERER_STATS_PORT") + "\n");
        assertThat(namedPort(haproxy, "stats")
                        .orElseThrow()
                        .path("containerPort")
                        .asText())
                .isEqualTo(env.get("PGHA_RENDERER_STATS_PORT"));
        // listeners: the renderer's per-cluster ports are HAProxy's container ports and the Services <cluster>-rw/-ro
        Properties ports = load(r.find("ConfigMap", configMapName(router, "renderer-config"))
                .orElseThrow()
                .path("data")
                .path("application.properties")
                .asText());
        String cluster = r.ofKind("ConfigMap").stream()
                .filter(o -> Rendered.name(o).startsWith("pgha-settings"))
                .findFirst()
                .orElseThrow()
                .path("data")
                .path("cluster")
                .asText();
        int rw = Integer.parseInt(ports.getProperty("pgha.renderer.clusters." + cluster + ".read-write-port"));
        int ro = Integer.parseInt(ports.getProperty("pgha.renderer.clusters." + cluster + ".read-only-port"));
        assertThat(namedPort(haproxy, "read-write")
                        .orElseThrow()
                        .path("containerPort")
                        .asInt())
                .isEqualTo(rw);
        assertThat(namedPort(haproxy, "read-only")
                        .orElseThrow()
                        .path("containerPort")
                        .asInt())
                .isEqualTo(ro);
        assertThat(r.find("Service", cluster + "-rw")
                        .orElseThrow()
                        .path("spec")
                        .path("ports")
                        .get(0)
                        .path("port")
                        .asInt())
                .isEqualTo(rw);
        assertThat(r.find("Service", cluster + "-ro")
                        .orElseThrow()
                        .path("spec")
                        .path("ports")
                        .get(0)
                        .path("port")
                        .asInt())
                .isEqualTo(ro);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void networkPoliciesAllowExactlyTheNeededConnections(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        Set<String> allowed = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        Set<String> isolated = new TreeSet<>();
        for (JsonNode np : r.ofKind("NetworkPolicy")) {
            String target = np.path("spec")
                    .path("podSelector")
                    .path("matchLabels")
                    .path("app.kubernetes.io/name")
                    .asText();
            if (target.isEmpty()
                    || np.path("spec").path("podSelector").path("matchLabels").size() != 1) {
                problems.add(Rendered.id(np) + ": select pods by app.kubernetes.io/name alone");
                continue;
            }
            isolated.add(target);
            for (JsonNode rule : np.path("spec").path("ingress")) {
                if (!rule.has("from") || !rule.has("ports")) {
                    problems.add(Rendered.id(np) + ": a rule without 'from' or 'ports' allows everyone or every port");
                    continue;
                }
                for (JsonNode port : rule.path("ports")) {
                    for (JsonNode peer : rule.path("from")) {
                        allowed.add(target + ":" + port.path("port").asText() + "<-"
                                + peer(peer, Rendered.id(np), problems));
                    }
                }
            }
        }
        JsonNode kafka = r.find("Kafka", "pgha").orElseThrow();
        for (JsonNode listener : kafka.path("spec").path("kafka").path("listeners")) {
            if (!listener.has("networkPolicyPeers")) {
                problems.add("Kafka listener " + listener.path("name").asText()
                        + " has no networkPolicyPeers (Strimzi would allow everyone)");
            }
            for (JsonNode peer : listener.path("networkPolicyPeers")) {
                allowed.add("kafka:" + listener.path("port").asText() + "<-" + peer(peer, "Kafka/pgha", problems));
            }
        }
        assertThat(problems).isEmpty();
        assertThat(allowed)
                .as("connections the NetworkPolicies allow")
                .containsExactlyInAnyOrderElementsOf(CONNECTIONS);
        for (JsonNode w : r.workloads()) {
            assertThat(isolated)
                    .as(Rendered.id(w) + " has a NetworkPolicy")
                    .contains(
                            Rendered.podLabels(w).path("app.kubernetes.io/name").asText());
        }
    }

    /** The name a peer of a NetworkPolicy rule stands for (see CONNECTIONS). */
    private static String peer(JsonNode peer, String where, List<String> problems) {
        JsonNode pods = peer.path("podSelector").path("matchLabels");
        JsonNode namespaces = peer.path("namespaceSelector");
        if (peer.has("ipBlock")) {
            problems.add(where + ": ipBlock peers are not in the table");
            return "ipBlock";
        }
        if (!peer.has("namespaceSelector") && pods.size() == 1 && pods.has("app.kubernetes.io/name")) {
            return pods.path("app.kubernetes.io/name").asText();
        }
        if (!peer.has("namespaceSelector")
                && pods.size() == 1
                && "operator".equals(pods.path("pgha.io/role").asText())) {
            return "operator";
        }
        if (!peer.has("podSelector")
                && namespaces.path("matchLabels").size() == 1
                && "monitoring"
                        .equals(namespaces
                                .path("matchLabels")
                                .path("kubernetes.io/metadata.name")
                                .asText())) {
            return "prometheus";
        }
        if (namespaces.isObject()
                && namespaces.isEmpty()
                && pods.size() == 1
                && "true".equals(pods.path("pgha.io/client").asText())) {
            return "client";
        }
        problems.add(where + ": peer " + peer + " is none of the table's");
        return peer.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void kafkaTakesOnlyTlsAndScramAndEveryUserHasExactlyTheAclsOfKafkaAcls(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        List<String> problems = new ArrayList<>();
        JsonNode kafka = r.find("Kafka", KafkaTopicsGenerator.KAFKA_CLUSTER).orElseThrow();
        JsonNode spec = kafka.path("spec").path("kafka");
        for (JsonNode listener : spec.path("listeners")) {
            if (!listener.path("tls").asBoolean(false)
                    || !listener.path("authentication").path("type").asText().equals("scram-sha-512")) {
                problems.add("Kafka listener " + listener.path("name").asText() + " must have tls: true and"
                        + " authentication scram-sha-512");
            }
        }
        if (!spec.path("authorization").path("type").asText().equals("simple")) {
            problems.add("Kafka " + Rendered.name(kafka) + " needs authorization: simple (the KafkaUsers' ACLs)");
        }
        if (!kafka.path("spec").path("entityOperator").has("userOperator")) {
            problems.add(
                    "Kafka " + Rendered.name(kafka) + " needs entityOperator.userOperator (it applies the KafkaUsers)");
        }
        // every KafkaUser: a pgha service's has exactly KafkaAcls.forServices()'s bindings of its principal,
        // any other is a read-only principal with exactly KafkaAcls.readOnly(name)
        Set<String> users = new TreeSet<>();
        for (JsonNode user : r.ofKind("KafkaUser")) {
            String name = Rendered.name(user);
            users.add(name);
            Set<KafkaAcls.Binding> expected = new HashSet<>(
                    KafkaAcls.services().contains(name)
                            ? KafkaAcls.forServices().stream()
                                    .filter(b -> b.principal().equals(KafkaAcls.principal(name)))
                                    .toList()
                            : KafkaAcls.readOnly(name));
            Set<KafkaAcls.Binding> actual = bindings(user);
            if (!actual.equals(expected)) {
                Set<KafkaAcls.Binding> extra = new TreeSet<>(java.util.Comparator.comparing(Object::toString));
                extra.addAll(actual);
                extra.removeAll(expected);
                Set<KafkaAcls.Binding> missing = new TreeSet<>(java.util.Comparator.comparing(Object::toString));
                missing.addAll(expected);
                missing.removeAll(actual);
                problems.add("KafkaUser " + name + " differs from events/KafkaAcls: extra " + extra + ", missing "
                        + missing + " (regenerate: KafkaUsersGeneratorTest)");
            }
            if (!user.path("spec").path("authentication").path("type").asText().equals("scram-sha-512")) {
                problems.add("KafkaUser " + name + " must authenticate with scram-sha-512");
            }
        }
        if (!users.containsAll(KafkaAcls.services())) {
            problems.add("KafkaUsers " + users + " lack some of the services of KafkaAcls " + KafkaAcls.services());
        }
        // every Kafka client container: SASL_SSL, SCRAM, its own user, that user's password and the cluster CA
        for (JsonNode w : r.workloads()) {
            for (JsonNode c : Rendered.podSpec(w).path("containers")) {
                Map<String, String> env = new LinkedHashMap<>();
                c.path("env")
                        .forEach(e ->
                                env.put(e.path("name").asText(), e.path("value").asText()));
                if (!env.containsKey("KAFKA_BOOTSTRAP_SERVERS")) {
                    continue;
                }
                String where = Rendered.id(w) + " container " + c.path("name").asText();
                String module =
                        Modules.byImage(c.path("image").asText()).orElseThrow().module();
                if (!"SASL_SSL".equals(env.get("KAFKA_SECURITY_PROTOCOL"))
                        || !"SCRAM-SHA-512".equals(env.get("KAFKA_SASL_MECHANISM"))) {
                    problems.add(
                            where + ": KAFKA_SECURITY_PROTOCOL must be SASL_SSL, KAFKA_SASL_MECHANISM SCRAM-SHA-512");
                }
                if (!module.equals(env.get("PGHA_KAFKA_USERNAME"))) {
                    problems.add(where + ": PGHA_KAFKA_USERNAME must be " + module + " (its principal in KafkaAcls)");
                }
                secretOf(
                        w,
                        c,
                        env.get("PGHA_KAFKA_PASSWORD_FILE"),
                        module,
                        where + ": PGHA_KAFKA_PASSWORD_FILE",
                        problems);
                secretOf(
                        w,
                        c,
                        env.get("KAFKA_SSL_TRUSTSTORE_LOCATION"),
                        Rendered.name(kafka) + "-cluster-ca-cert",
                        where + ": KAFKA_SSL_TRUSTSTORE_LOCATION",
                        problems);
            }
        }
        assertThat(problems).as("overlay " + overlay).isEmpty();
    }

    /** A KafkaUser's ACL rules as KafkaAcls bindings (one per operation). */
    static Set<KafkaAcls.Binding> bindings(JsonNode user) {
        Set<KafkaAcls.Binding> bindings = new HashSet<>();
        for (JsonNode acl : user.path("spec").path("authorization").path("acls")) {
            JsonNode resource = acl.path("resource");
            KafkaAcls.Match match =
                    resource.path("patternType").asText("literal").equals("prefix")
                            ? KafkaAcls.Match.PREFIXED
                            : KafkaAcls.Match.LITERAL;
            if (!acl.path("host").asText("*").equals("*")
                    || acl.path("type").asText("allow").equals("deny")) {
                throw new AssertionError("KafkaUser " + Rendered.name(user) + ": only allow rules from any host are"
                        + " generated, not " + acl);
            }
            for (JsonNode op : acl.path("operations")) {
                bindings.add(new KafkaAcls.Binding(
                        KafkaAcls.principal(Rendered.name(user)),
                        KafkaAcls.Resource.valueOf(
                                resource.path("type").asText().toUpperCase(java.util.Locale.ROOT)),
                        resource.path("name").asText(),
                        match,
                        KafkaAcls.Operation.valueOf(op.asText().toUpperCase(java.util.Locale.ROOT))));
            }
        }
        return bindings;
    }

    /** {@code file} is mounted from Secret {@code secret} (a secret volume or a projected source). */
    static void secretOf(JsonNode w, JsonNode c, String file, String secret, String what, List<String> problems) {
        if (file == null) {
            problems.add(what + " is not set");
            return;
        }
        Set<String> from = new TreeSet<>();
        for (JsonNode m : c.path("volumeMounts")) {
            if (file.startsWith(m.path("mountPath").asText() + "/")) {
                volume(w, m.path("name").asText()).ifPresent(v -> {
                    if (v.has("secret")) {
                        from.add(v.path("secret").path("secretName").asText());
                    }
                    v.path("projected").path("sources").forEach(src -> {
                        if (src.has("secret")) {
                            from.add(src.path("secret").path("name").asText());
                        }
                    });
                });
            }
        }
        if (!from.contains(secret)) {
            problems.add(what + ": " + file + " must come from Secret " + secret + ", not " + from);
        }
    }

    /** The etcd properties every etcd client container sets (TLS with a client certificate). */
    static final List<String> ETCD_TLS_ENV =
            List.of("PGHA_ETCD_TLS_CA_FILE", "PGHA_ETCD_TLS_CERT_FILE", "PGHA_ETCD_TLS_KEY_FILE");

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void etcdTakesOnlyTlsWithClientCertificatesAndEveryClientHasOne(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        List<String> problems = new ArrayList<>();
        String endpoints = r.settings().path("etcd-endpoints").asText();
        for (String endpoint : endpoints.split(",")) {
            if (!endpoint.strip().startsWith("https://")) {
                problems.add("pgha-settings etcd-endpoints: " + endpoint + " is not https");
            }
        }
        JsonNode etcd = container(r.find("StatefulSet", "etcd").orElseThrow(), "etcd");
        List<String> args = stream(etcd.path("command")).map(JsonNode::asText).toList();
        for (String flag : List.of("--client-cert-auth=true", "--peer-client-cert-auth=true")) {
            if (!args.contains(flag)) {
                problems.add("etcd: " + flag + " is missing");
            }
        }
        for (String a : args) {
            if (a.matches(
                            "--(listen-client|advertise-client|listen-peer|initial-advertise-peer|initial-cluster)(-urls)?=.*")
                    && a.contains("http://")) {
                problems.add("etcd: " + a + " is not https");
            }
        }
        for (String flag : List.of(
                "--trusted-ca-file",
                "--cert-file",
                "--key-file",
                "--peer-trusted-ca-file",
                "--peer-cert-file",
                "--peer-key-file")) {
            Optional<String> value = args.stream()
                    .filter(a -> a.startsWith(flag + "="))
                    .map(a -> a.substring(flag.length() + 1))
                    .findFirst();
            if (value.isEmpty()) {
                problems.add("etcd: " + flag + " is missing");
            } else {
                mountedFile(
                        r,
                        r.find("StatefulSet", "etcd").orElseThrow(),
                        etcd,
                        value.get(),
                        flag.endsWith("key-file"),
                        "etcd " + flag,
                        problems);
            }
        }
        for (JsonNode w : r.workloads()) {
            for (JsonNode c : Rendered.podSpec(w).path("containers")) {
                Set<String> names = new TreeSet<>();
                c.path("env").forEach(e -> names.add(e.path("name").asText()));
                if (names.contains("PGHA_ETCD_ENDPOINTS") && !names.containsAll(ETCD_TLS_ENV)) {
                    problems.add(Rendered.id(w) + " container " + c.path("name").asText() + " talks to etcd without "
                            + ETCD_TLS_ENV);
                }
            }
        }
        assertThat(problems).as("overlay " + overlay).isEmpty();
    }

    /** Who verifies PostgreSQL's certificates, with which property (env var). */
    static final Map<String, List<String>> POSTGRES_TLS_ENV = Map.of(
            "node-agent",
                    List.of("PGHA_POSTGRES_TLS_CERT_FILE", "PGHA_POSTGRES_TLS_KEY_FILE", "PGHA_POSTGRES_TLS_CA_FILE"),
            "health-monitor", List.of("PGHA_HEALTH_MONITOR_POSTGRES_CA_FILE"),
            "backup-service", List.of("PGHA_POSTGRES_TLS_CA_FILE"));

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void postgresServesTlsAndEveryClientServiceVerifiesIt(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        List<String> problems = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        for (Rendered.ServiceContainer sc : r.serviceContainers()) {
            String module = sc.service().module();
            if (!POSTGRES_TLS_ENV.containsKey(module)) {
                continue;
            }
            seen.add(module);
            Set<String> names = new TreeSet<>();
            sc.container().path("env").forEach(e -> names.add(e.path("name").asText()));
            List<String> wanted = POSTGRES_TLS_ENV.get(module);
            if (!names.containsAll(wanted)) {
                problems.add(Rendered.id(sc.workload()) + ": " + module + " must set " + wanted);
            }
            wanted.forEach(name -> {
                if (Modules.catalog(module).forEnv(name).isEmpty()) {
                    problems.add(name + " is no property of " + module);
                }
            });
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(POSTGRES_TLS_ENV.keySet());
        assertThat(problems).as("overlay " + overlay).isEmpty();
    }

    static boolean matches(JsonNode selector, JsonNode labels) {
        for (Iterator<Map.Entry<String, JsonNode>> it = selector.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!labels.path(e.getKey()).asText().equals(e.getValue().asText())) {
                return false;
            }
        }
        return true;
    }

    static Optional<JsonNode> namedPort(JsonNode container, String name) {
        return stream(container.path("ports"))
                .filter(p -> p.path("name").asText().equals(name))
                .findFirst();
    }

    static Optional<JsonNode> volume(JsonNode w, String name) {
        Optional<JsonNode> v = stream(Rendered.podSpec(w).path("volumes"))
                .filter(x -> x.path("name").asText().equals(name))
                .findFirst();
        if (v.isPresent()) {
            return v;
        }
        return stream(w.path("spec").path("volumeClaimTemplates"))
                .filter(t -> t.path("metadata").path("name").asText().equals(name))
                .findFirst()
                .map(t -> (JsonNode) new com.fasterxml.jackson.databind.ObjectMapper()
                        .createObjectNode()
                        .put("name", name));
    }

    private static Optional<String> mountedVolume(JsonNode container, String path) {
        return stream(container.path("volumeMounts"))
                .filter(m -> m.path("mountPath").asText().equals(path))
                .map(m -> m.path("name").asText())
                .findFirst();
    }

    private static String configMapName(JsonNode w, String volume) {
        return volume(w, volume).orElseThrow().path("configMap").path("name").asText();
    }

    static JsonNode container(JsonNode w, String name) {
        return Rendered.containers(w).stream()
                .filter(c -> c.path("name").asText().equals(name))
                .findFirst()
                .orElseThrow();
    }

    static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> list = new ArrayList<>();
        array.forEach(list::add);
        return list.stream();
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Properties load(String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
