package io.pgha.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every image's Dockerfile against the build (Quarkus' fast-jar layout, and the built files when the module
 * was packaged), the service's port, the user the manifests run it as, and the JVM options of local/'s
 * JvmOptions; the node image's entrypoint against its Dockerfile and the StatefulSet.
 */
class DockerfileConsistencyTest {
    private static final List<String> QUARKUS_APP = List.of("lib/", "*.jar", "app/", "quarkus/");

    static List<Modules.Service> services() {
        return Modules.SERVICES;
    }

    @ParameterizedTest
    @MethodSource("services")
    void dockerfileCopiesTheFastJarAndRunsItAsTheServicesUser(Modules.Service s) throws IOException {
        Path dockerfile = Modules.dockerfile(s);
        assertThat(dockerfile).as("the image of " + s.module()).isRegularFile();
        String text = Files.readString(dockerfile);
        String prefix = s.module().equals("node-agent") ? "node-agent/" : "";
        // COPY target/quarkus-app/<part> <home>/<part>, all four parts, one home
        Map<String, String> copies = new LinkedHashMap<>();
        Matcher copy = Pattern.compile("(?m)^COPY\\s+(?:--\\S+\\s+)*(\\S+)\\s+(\\S+)\\s*$")
                .matcher(text);
        while (copy.find()) {
            copies.put(copy.group(1), copy.group(2));
        }
        Set<String> homes = new LinkedHashSet<>();
        for (String part : QUARKUS_APP) {
            String source = prefix + "target/quarkus-app/" + part;
            assertThat(copies).as(dockerfile + " copies " + source).containsKey(source);
            String dest = copies.get(source);
            homes.add(
                    part.equals("*.jar")
                            ? dest.replaceFirst("/$", "")
                            : dest.replaceFirst("/" + part + "$", "")
                                    .replaceFirst("/" + part.replace("/", "") + "/?$", ""));
        }
        assertThat(homes)
                .as(dockerfile + ": every part of quarkus-app goes to one folder")
                .hasSize(1);
        String home = homes.iterator().next();
        // the entrypoint runs <home>/quarkus-run.jar with JAVA_OPTS
        String entry = s.module().equals("node-agent")
                ? Files.readString(Repo.root().resolve("deploy/images/node/entrypoint.sh"))
                : text;
        String jar = s.module().equals("node-agent") ? "\"$home/quarkus-run.jar\"" : home + "/quarkus-run.jar";
        assertThat(entry).as("the entrypoint of " + s.module()).contains("exec java $JAVA_OPTS -jar " + jar);
        if (s.module().equals("node-agent")) {
            assertThat(entry).contains("home=${PGHA_HOME:-" + home + "}");
            assertThat(text)
                    .contains("COPY --chmod=755 deploy/images/node/entrypoint.sh /usr/local/bin/pgha-node-entrypoint")
                    .contains("ENTRYPOINT [\"/usr/bin/tini\", \"--\", \"/usr/local/bin/pgha-node-entrypoint\"]");
        }
        assertThat(workdir(dockerfile))
                .as(dockerfile + ": WORKDIR is the jar's folder (config/ is read there)")
                .isEqualTo(home);
        // the port
        Set<String> exposed = new LinkedHashSet<>();
        Matcher expose = Pattern.compile("(?m)^EXPOSE\\s+(.+)$").matcher(text);
        while (expose.find()) {
            exposed.addAll(List.of(expose.group(1).strip().split("\\s+")));
        }
        assertThat(exposed)
                .as(dockerfile + " exposes quarkus.http.port")
                .contains(Integer.toString(Modules.httpPort(s.module())));
        if (s.module().equals("node-agent")) {
            assertThat(exposed).contains("5432");
        }
        // an unprivileged numeric user
        Matcher user = Pattern.compile("(?m)^USER\\s+(\\d+)\\s*$").matcher(text);
        assertThat(user.find()).as(dockerfile + " has USER <number>").isTrue();
        assertThat(Integer.parseInt(user.group(1)))
                .as(dockerfile + ": not root")
                .isPositive();
        // the JVM options of local/'s JvmOptions
        assertThat(List.of(env(dockerfile).getOrDefault("JAVA_OPTS", "").split("\\s+")))
                .as(dockerfile + ": JAVA_OPTS are JvmOptions.forModule(" + s.module() + ")")
                .containsExactlyInAnyOrderElementsOf(jvmOptions(s.module()));
        assertThat(env(dockerfile)).containsEntry("MALLOC_ARENA_MAX", "2");
        // the module builds the fast-jar (no other package type), and, when built, the files are there
        String packageType =
                Modules.applicationProperties(s.module()).getProperty("quarkus.package.jar.type", "fast-jar");
        assertThat(packageType).as(s.module() + "'s quarkus.package.jar.type").isEqualTo("fast-jar");
        assertThat(Modules.pom(s.module())).contains("<artifactId>quarkus-maven-plugin</artifactId>");
        Path built = Modules.dir(s.module()).resolve("target/quarkus-app");
        if (Files.isDirectory(built)) {
            assertThat(built.resolve("quarkus-run.jar")).isRegularFile();
            assertThat(built.resolve("lib")).isDirectory();
            assertThat(built.resolve("app")).isDirectory();
            assertThat(built.resolve("quarkus")).isDirectory();
        }
    }

    @Test
    void manifestsRunTheImagesAsTheirUsersAndTheNodeImagesFolders() throws IOException {
        for (String overlay : Rendered.OVERLAYS) {
            Rendered r = Rendered.overlay(overlay);
            for (JsonNode w : r.workloads()) {
                for (JsonNode c : Rendered.containers(w)) {
                    String image = c.path("image").asText();
                    if (!image.contains("pgha/")) {
                        continue;
                    }
                    java.nio.file.Path dockerfile = Modules.byImage(image)
                            .map(Modules::dockerfile)
                            .or(() -> Modules.toolDockerfile(image))
                            .orElseThrow(() -> new AssertionError(
                                    Rendered.id(w) + " runs " + image + ", which no Dockerfile builds"));
                    JsonNode runAs = Rendered.podSpec(w).path("securityContext").path("runAsUser");
                    if (!runAs.isMissingNode()) {
                        assertThat(runAs.asText())
                                .as(Rendered.id(w) + " runs " + image + " as its image's USER")
                                .isEqualTo(user(dockerfile));
                    }
                }
            }
            // the node: data directory inside the data volume, the image's folders
            JsonNode pg = r.find("StatefulSet", "pg").orElseThrow();
            JsonNode node = Rendered.podSpec(pg).path("containers").get(0);
            String dataDir = "";
            for (JsonNode e : node.path("env")) {
                if (e.path("name").asText().equals("PGHA_POSTGRES_DATA_DIR")) {
                    dataDir = e.path("value").asText();
                }
            }
            String dockerfile = Files.readString(Repo.root().resolve("deploy/images/node/Dockerfile"));
            String dataMount = "";
            for (JsonNode m : node.path("volumeMounts")) {
                if (m.path("name").asText().equals("data")) {
                    dataMount = m.path("mountPath").asText();
                }
            }
            assertThat(dataDir)
                    .as("the data directory is a folder inside the data volume (its parent must be writable)")
                    .startsWith(dataMount + "/");
            assertThat(dockerfile).contains("VOLUME " + dataMount);
        }
    }

    /** The Dockerfile's WORKDIR. */
    static String workdir(Path dockerfile) {
        Matcher m = Pattern.compile("(?m)^WORKDIR\\s+(\\S+)").matcher(read(dockerfile));
        return m.find() ? m.group(1) : "/";
    }

    static String user(Path dockerfile) {
        Matcher m = Pattern.compile("(?m)^USER\\s+(\\S+)").matcher(read(dockerfile));
        return m.find() ? m.group(1) : "0";
    }

    /** The Dockerfile's ENV settings (ENV a="b c" \ d=e). */
    static Map<String, String> env(Path dockerfile) {
        Map<String, String> env = new LinkedHashMap<>();
        String text = read(dockerfile).replace("\\\n", " ");
        Matcher line = Pattern.compile("(?m)^ENV\\s+(.+)$").matcher(text);
        while (line.find()) {
            Matcher kv = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S+)")
                    .matcher(line.group(1));
            while (kv.find()) {
                env.put(kv.group(1), kv.group(2).replaceAll("^\"|\"$", ""));
            }
        }
        return env;
    }

    /** JvmOptions.forModule(module), read from local/'s source (local is not on this module's class path). */
    static List<String> jvmOptions(String module) {
        String source = read(Repo.root().resolve("local/src/main/java/io/pgha/local/JvmOptions.java"));
        List<String> options = new ArrayList<>();
        Matcher initial = Pattern.compile("INITIAL_HEAP_MIB\\s*=\\s*(\\d+)").matcher(source);
        assertThat(initial.find()).isTrue();
        options.add("-Xms" + initial.group(1) + "m");
        Matcher heap =
                Pattern.compile("\"" + Pattern.quote(module) + "\",\\s*(\\d+)").matcher(source);
        assertThat(heap.find()).as("JvmOptions.MAX_HEAP_MIB has " + module).isTrue();
        options.add("-Xmx" + heap.group(1) + "m");
        Matcher common =
                Pattern.compile("(?s)COMMON\\s*=\\s*List\\.of\\((.*?)\\);").matcher(source);
        assertThat(common.find()).isTrue();
        Matcher option = Pattern.compile("\"([^\"]+)\"").matcher(common.group(1));
        while (option.find()) {
            options.add(option.group(1));
        }
        Matcher c1 = Pattern.compile("C1_ONLY\\s*=\\s*\"([^\"]+)\"").matcher(source);
        assertThat(c1.find()).isTrue();
        options.add(c1.group(1));
        return options;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
