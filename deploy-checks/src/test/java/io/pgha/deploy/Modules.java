package io.pgha.deploy;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** pgha's service modules as the build has them: ports, dependencies, configuration, images. */
final class Modules {
    /** A deployable service: its module, image name, the container port name of its HTTP server. */
    record Service(String module, String image, String httpPortName) {}

    static final List<Service> SERVICES = List.of(
            new Service("node-agent", "node", "agent"),
            new Service("failover-coordinator", "failover-coordinator", "http"),
            new Service("health-monitor", "health-monitor", "http"),
            new Service("config-renderer", "config-renderer", "http"),
            new Service("backup-service", "backup-service", "http"),
            new Service("alert-service", "alert-service", "http"));

    /** Images that run no pgha service (no Quarkus application): image name to its Dockerfile. */
    static final Map<String, String> TOOL_IMAGES = Map.of("etcd-roles", "deploy/images/etcd-roles/Dockerfile");

    /** The Dockerfile of a tool image ({@code .../pgha/<name>:<tag>}), if {@code image} is one. */
    static java.util.Optional<Path> toolDockerfile(String image) {
        String path = image.replaceFirst("[:@].*$", "");
        return java.util.Optional.ofNullable(TOOL_IMAGES.get(path.substring(path.lastIndexOf('/') + 1)))
                .map(Repo.root()::resolve);
    }

    private static final Pattern DEPENDENCY = Pattern.compile("(?s)<dependency>(.*?)</dependency>");
    private static final Pattern ARTIFACT = Pattern.compile("<artifactId>(pgha-[a-z-]+)</artifactId>");

    private Modules() {}

    /** The service whose image is {@code image} (any registry and tag: {@code .../pgha/<name>:<tag>}). */
    static java.util.Optional<Service> byImage(String image) {
        String path = image.replaceFirst("[:@].*$", "");
        String last = path.substring(path.lastIndexOf('/') + 1);
        return SERVICES.stream().filter(s -> s.image().equals(last)).findFirst();
    }

    static Path dir(String module) {
        return Repo.root().resolve(module);
    }

    /** The module's application.properties. */
    static Properties applicationProperties(String module) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(
                    Files.readString(dir(module).resolve("src/main/resources/application.properties"))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    static int httpPort(String module) {
        return Integer.parseInt(applicationProperties(module).getProperty("quarkus.http.port", "8080"));
    }

    static String pom(String module) {
        try {
            return Files.readString(dir(module).resolve("pom.xml"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The pgha modules {@code module} uses at run time (compile scope), transitively. */
    static Set<String> runtimeDependencies(String module) {
        Set<String> all = new LinkedHashSet<>();
        List<String> todo = new ArrayList<>(List.of(module));
        while (!todo.isEmpty()) {
            String m = todo.remove(0);
            Matcher d = DEPENDENCY.matcher(pom(m));
            while (d.find()) {
                String block = d.group(1);
                Matcher a = ARTIFACT.matcher(block);
                if (a.find() && !block.contains("<scope>test</scope>") && !block.contains("<scope>provided</scope>")) {
                    String dep = a.group(1).substring("pgha-".length());
                    if (Files.isDirectory(dir(dep)) && all.add(dep)) {
                        todo.add(dep);
                    }
                }
            }
        }
        return all;
    }

    private static final Map<String, ConfigCatalog> CATALOGS = new java.util.concurrent.ConcurrentHashMap<>();

    static ConfigCatalog catalog(String module) {
        return CATALOGS.computeIfAbsent(
                module,
                m -> ConfigCatalog.ofModule(
                        dir(m),
                        runtimeDependencies(m).stream().map(Modules::dir).toList()));
    }

    /** The Dockerfile that builds {@code service}'s image. */
    static Path dockerfile(Service service) {
        return service.module().equals("node-agent")
                ? Repo.root().resolve("deploy/images/node/Dockerfile")
                : dir(service.module()).resolve("src/main/docker/Dockerfile.jvm");
    }
}
