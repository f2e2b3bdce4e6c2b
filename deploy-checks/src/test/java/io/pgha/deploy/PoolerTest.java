package io.pgha.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
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
 * PgBouncer in the router pod against config-renderer's pool settings and {@code ./pgha up}'s pooled endpoint:
 * the port (container, Service {@code <cluster>-pooled}, {@code listen_port}), the files the renderer and
 * PgBouncer share (pgbouncer.ini, the auth file the init container writes from Secret
 * pgha-postgres-credentials), the users (the renderer's admin and lookup users, the agents' pooler role), the
 * server CA, and the pools' limit against the members' {@code max_connections}. PgBouncer's first
 * configuration carries every setting local's {@code ServiceSettings.initialPgBouncerConfig} sets.
 */
class PoolerTest {
    static final String SERVICE_SETTINGS = "local/src/main/java/io/pgha/local/cli/ServiceSettings.java";
    static final String CREDENTIALS = "pgha-postgres-credentials";

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void pgBouncerRendererAndServiceAgree(String overlay) {
        assertThat(problems(Rendered.overlay(overlay))).as("overlay " + overlay).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void theChecksFindADrift() {
        java.util.function.Predicate<JsonNode> router =
                o -> o.path("kind").asText().equals("StatefulSet")
                        && Rendered.name(o).equals("router");
        Rendered limit =
                RestHttpsTest.mutated("prod", router, o -> setEnv(o, "PGHA_RENDERER_POOL_MAX_CONNECTIONS", "50"));
        assertThat(problems(limit)).anyMatch(p -> p.contains("must be the members' max_connections 200"));
        Rendered port = RestHttpsTest.mutated("prod", router, o -> setEnv(o, "PGHA_RENDERER_POOL_PORT", "6433"));
        assertThat(problems(port))
                .anyMatch(p -> p.contains("PGHA_RENDERER_POOL_PORT 6433 must be pgbouncer's container port"))
                .anyMatch(p -> p.contains("listen_port = 6432, expected 6433"));
        Rendered admin =
                RestHttpsTest.mutated("prod", router, o -> setEnv(o, "PGHA_RENDERER_POOL_ADMIN_USER", "admin"));
        assertThat(problems(admin))
                .anyMatch(p -> p.contains("the auth file must list exactly"))
                .anyMatch(p -> p.contains("admin_users = pgha_pooler_admin, expected admin"));
    }

    private static void setEnv(JsonNode workload, String name, String value) {
        for (JsonNode c : Rendered.podSpec(workload).path("containers")) {
            for (JsonNode e : c.path("env")) {
                if (e.path("name").asText().equals(name)) {
                    ((com.fasterxml.jackson.databind.node.ObjectNode) e).put("value", value);
                }
            }
        }
    }

    static List<String> problems(Rendered r) {
        List<String> problems = new ArrayList<>();
        JsonNode router = r.find("StatefulSet", "router").orElseThrow();
        JsonNode renderer = DeployConsistencyTest.container(router, "config-renderer");
        JsonNode bouncer = DeployConsistencyTest.container(router, "pgbouncer");
        Map<String, JsonNode> env = new LinkedHashMap<>();
        renderer.path("env").forEach(e -> env.put(e.path("name").asText(), e));
        String cluster = r.settings().path("cluster").asText();
        String credentials = generatedName(r, "Secret", CREDENTIALS);

        if (!"true".equals(value(env, "PGHA_RENDERER_POOL_ENABLED"))) {
            problems.add("config-renderer: PGHA_RENDERER_POOL_ENABLED must be true (PgBouncer runs in the pod)");
        }
        JsonNode poolCluster = env.getOrDefault("PGHA_RENDERER_POOL_CLUSTER", missing())
                .path("valueFrom")
                .path("configMapKeyRef");
        if (!poolCluster.path("name").asText().startsWith("pgha-settings")
                || !poolCluster.path("key").asText().equals("cluster")) {
            problems.add("config-renderer: PGHA_RENDERER_POOL_CLUSTER must come from pgha-settings' cluster");
        }
        // the port: renderer, PgBouncer's container, the Service <cluster>-pooled, listen_port
        String port = value(env, "PGHA_RENDERER_POOL_PORT");
        int containerPort = DeployConsistencyTest.namedPort(bouncer, "pooled")
                .map(p -> p.path("containerPort").asInt())
                .orElse(-1);
        if (!Integer.toString(containerPort).equals(port)) {
            problems.add("PGHA_RENDERER_POOL_PORT " + port + " must be pgbouncer's container port 'pooled' ("
                    + containerPort + ")");
        }
        Optional<JsonNode> service = r.find("Service", cluster + "-pooled");
        if (service.isEmpty()
                || DeployConsistencyTest.stream(service.get().path("spec").path("ports"))
                        .noneMatch(p -> p.path("targetPort").asText().equals("pooled"))) {
            problems.add("Service " + cluster + "-pooled must target the port 'pooled'");
        }
        // pgbouncer.ini: PgBouncer runs the file the renderer writes, in a volume both mount
        String configPath = value(env, "PGHA_RENDERER_POOL_CONFIG_PATH");
        List<String> command = new ArrayList<>();
        bouncer.path("command").forEach(a -> command.add(a.asText()));
        if (!command.equals(List.of("pgbouncer", configPath))) {
            problems.add("pgbouncer must run 'pgbouncer " + configPath + "' (PGHA_RENDERER_POOL_CONFIG_PATH), not "
                    + command);
        }
        String authFile = value(env, "PGHA_RENDERER_POOL_AUTH_FILE");
        for (String file : List.of(configPath, authFile)) {
            String dir = file.substring(0, file.lastIndexOf('/'));
            Optional<String> a = mountOf(renderer, file);
            Optional<String> b = mountOf(bouncer, file);
            if (a.isEmpty() || !a.equals(b)) {
                problems.add(file + ": config-renderer and pgbouncer must share the volume mounted at " + dir + " ("
                        + a.orElse("none") + " / " + b.orElse("none") + ")");
            }
        }
        // the auth file: written by an init container with the admin and lookup users and their passwords
        String adminUser = value(env, "PGHA_RENDERER_POOL_ADMIN_USER");
        String authUser = value(env, "PGHA_RENDERER_POOL_AUTH_USER");
        JsonNode writer = DeployConsistencyTest.stream(Rendered.podSpec(router).path("initContainers"))
                .filter(c -> c.path("command").toString().contains("> " + authFile))
                .findFirst()
                .orElse(null);
        if (writer == null) {
            problems.add("no init container writes " + authFile);
        } else {
            String script = String.join(
                    " ",
                    DeployConsistencyTest.stream(writer.path("command"))
                            .map(JsonNode::asText)
                            .toList());
            Matcher lines = Pattern.compile("(\\S+) \"\\$\\(cat (\\S+)\\)\"").matcher(script);
            Map<String, String> users = new LinkedHashMap<>();
            while (lines.find()) {
                users.put(lines.group(1), lines.group(2));
            }
            Map<String, String> keys = Map.of(adminUser, "pooler-admin-password", authUser, "pooler-password");
            if (!users.keySet().equals(keys.keySet())) {
                problems.add("the auth file must list exactly " + keys.keySet() + " (admin and lookup users), not "
                        + users.keySet());
            }
            users.forEach((user, file) -> {
                String what = "auth file, password of " + user;
                DeployConsistencyTest.secretOf(router, writer, file, credentials, what, problems);
                DeployConsistencyTest.mountedFile(r, router, writer, file, true, what, problems);
                if (keys.containsKey(user) && !file.endsWith("/" + keys.get(user))) {
                    problems.add(what + ": " + file + " must be key " + keys.get(user) + " of " + CREDENTIALS);
                }
            });
        }
        // the admin password the renderer logs in with is the one in the auth file
        JsonNode adminPassword = env.getOrDefault("PGHA_RENDERER_POOL_ADMIN_PASSWORD", missing())
                .path("valueFrom")
                .path("secretKeyRef");
        if (!adminPassword.path("name").asText().equals(credentials)
                || !adminPassword.path("key").asText().equals("pooler-admin-password")) {
            problems.add("PGHA_RENDERER_POOL_ADMIN_PASSWORD must be key pooler-admin-password of " + CREDENTIALS);
        }
        // the lookup role is the one the agents create, with the password PgBouncer logs in with
        JsonNode pg =
                DeployConsistencyTest.container(r.find("StatefulSet", "pg").orElseThrow(), "node");
        Map<String, String> pgEnv = new LinkedHashMap<>();
        pg.path("env")
                .forEach(e -> pgEnv.put(e.path("name").asText(), e.path("value").asText()));
        String agentsRole = pgEnv.getOrDefault("PGHA_POSTGRES_POOLER_USERNAME", agentPoolerDefault());
        if (!agentsRole.equals(authUser)) {
            problems.add("PGHA_RENDERER_POOL_AUTH_USER " + authUser + " must be the agents' pooler role " + agentsRole);
        }
        String agentsPassword = pgEnv.getOrDefault("PGHA_POSTGRES_POOLER_PASSWORD_FILE", "");
        if (!agentsPassword.endsWith("/pooler-password")) {
            problems.add("the agents' PGHA_POSTGRES_POOLER_PASSWORD_FILE must be key pooler-password, as PgBouncer's");
        }
        DeployConsistencyTest.secretOf(
                r.find("StatefulSet", "pg").orElseThrow(),
                pg,
                agentsPassword,
                credentials,
                "pg PGHA_POSTGRES_POOLER_PASSWORD_FILE",
                problems);
        // server TLS: the members' CA, in the renderer (it renders the path) and in PgBouncer (it reads it)
        String ca = value(env, "PGHA_RENDERER_POOL_SERVER_CA_FILE");
        for (JsonNode c : List.of(renderer, bouncer)) {
            String what = "router " + c.path("name").asText() + ": " + ca;
            DeployConsistencyTest.secretOf(router, c, ca, "pgha-postgres-tls", what, problems);
            DeployConsistencyTest.mountedFile(r, router, c, ca, false, what, problems);
        }
        // the pools must fit the members' max_connections
        String maxConnections = agentParameters(r).getProperty("pgha.postgres.parameters.max_connections", "50");
        if (!maxConnections.equals(value(env, "PGHA_RENDERER_POOL_MAX_CONNECTIONS"))) {
            problems.add("PGHA_RENDERER_POOL_MAX_CONNECTIONS " + value(env, "PGHA_RENDERER_POOL_MAX_CONNECTIONS")
                    + " must be the members' max_connections " + maxConnections + " (pg-agent-config)");
        }
        // PgBouncer's first configuration: what ./pgha up starts it with, with the renderer's values
        Map<String, String> initial = initialIni(r, router);
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("listen_addr", value(env, "PGHA_RENDERER_BIND_ADDRESS"));
        expected.put("listen_port", port);
        expected.put("unix_socket_dir", "");
        expected.put("auth_type", "scram-sha-256");
        expected.put("auth_file", authFile);
        expected.put("admin_users", adminUser);
        expected.put("ignore_startup_parameters", "extra_float_digits");
        expected.put("server_tls_sslmode", "verify-full");
        expected.put("server_tls_ca_file", ca);
        Set<String> local = localInitialKeys();
        if (!expected.keySet().containsAll(local)) {
            Set<String> unknown = new TreeSet<>(local);
            unknown.removeAll(expected.keySet());
            problems.add(SERVICE_SETTINGS + "'s initialPgBouncerConfig sets " + unknown
                    + ", which PoolerTest does not know: say what the router's initial pgbouncer.ini must set");
        }
        expected.forEach((key, value) -> {
            if (!value.equals(initial.get(key))) {
                problems.add("router-pgbouncer-initial: " + key + " = " + initial.get(key) + ", expected " + value);
            }
        });
        return problems;
    }

    /** The [pgbouncer] settings of the initial pgbouncer.ini the init container copies. */
    static Map<String, String> initialIni(Rendered r, JsonNode router) {
        String configMap = DeployConsistencyTest.volume(router, "pgbouncer-initial")
                .orElseThrow()
                .path("configMap")
                .path("name")
                .asText();
        String text = r.find("ConfigMap", configMap)
                .orElseThrow()
                .path("data")
                .path("pgbouncer.ini")
                .asText();
        Map<String, String> settings = new LinkedHashMap<>();
        boolean inSection = false;
        for (String line : text.lines().toList()) {
            String l = line.strip();
            if (l.startsWith("[")) {
                inSection = l.equals("[pgbouncer]");
            } else if (inSection && !l.isEmpty() && !l.startsWith(";") && l.contains("=")) {
                settings.put(
                        l.substring(0, l.indexOf('=')).strip(),
                        l.substring(l.indexOf('=') + 1).strip());
            }
        }
        return settings;
    }

    /** The keys of ./pgha up's initial pgbouncer.ini (local's ServiceSettings.initialPgBouncerConfig). */
    static Set<String> localInitialKeys() {
        String source = read(SERVICE_SETTINGS);
        int start = source.indexOf("static String initialPgBouncerConfig(");
        int end = source.indexOf("\n    }\n", start);
        if (start < 0 || end < 0) {
            throw new AssertionError(SERVICE_SETTINGS + " has no initialPgBouncerConfig: follow it in PoolerTest");
        }
        Set<String> keys = new TreeSet<>();
        Matcher m = Pattern.compile("\"([a-z_]+) = ").matcher(source.substring(start, end));
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }

    /** The agents' default pooler role (AgentConfig.Pooler.username's @WithDefault). */
    static String agentPoolerDefault() {
        String source = read("node-agent/src/main/java/io/pgha/agent/config/AgentConfig.java");
        Matcher m = Pattern.compile(
                        "interface Pooler \\{[^}]*?@WithDefault\\(\"([^\"]+)\"\\)\\s*String username\\(\\);")
                .matcher(source);
        if (!m.find()) {
            throw new AssertionError("AgentConfig.Pooler.username has no @WithDefault: follow it in PoolerTest");
        }
        return m.group(1);
    }

    private static Properties agentParameters(Rendered r) {
        JsonNode pg = r.find("StatefulSet", "pg").orElseThrow();
        String configMap = DeployConsistencyTest.volume(pg, "agent-config")
                .orElseThrow()
                .path("configMap")
                .path("name")
                .asText();
        Properties p = new Properties();
        try {
            p.load(new StringReader(r.find("ConfigMap", configMap)
                    .orElseThrow()
                    .path("data")
                    .path("application.properties")
                    .asText()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** {@code name} as the overlay renders it: with the hash suffix of a kustomize generator, if it made it. */
    static String generatedName(Rendered r, String kind, String name) {
        return r.ofKind(kind).stream()
                .map(Rendered::name)
                .filter(n -> n.equals(name) || n.matches(Pattern.quote(name) + "-[a-z0-9]{10}"))
                .findFirst()
                .orElse(name);
    }

    private static Optional<String> mountOf(JsonNode container, String file) {
        return DeployConsistencyTest.stream(container.path("volumeMounts"))
                .filter(m -> file.startsWith(m.path("mountPath").asText() + "/"))
                .map(m -> m.path("name").asText())
                .findFirst();
    }

    private static String value(Map<String, JsonNode> env, String name) {
        JsonNode e = env.get(name);
        return e == null ? null : e.path("value").asText(null);
    }

    private static JsonNode missing() {
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static String read(String path) {
        try {
            return Files.readString(Repo.root().resolve(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
