package io.pgha.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** What {@code kubectl kustomize} renders for an overlay (rendered once per test run). */
final class Rendered {
    static final List<String> OVERLAYS = List.of("dev", "prod");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Map<String, Rendered> CACHE = new ConcurrentHashMap<>();

    final String name;
    final List<JsonNode> objects;

    private Rendered(String name, List<JsonNode> objects) {
        this.name = name;
        this.objects = objects;
    }

    /** Objects that were not rendered from the repository (a test's altered copy of an overlay). */
    static Rendered of(String name, List<JsonNode> objects) {
        return new Rendered(name, List.copyOf(objects));
    }

    /** The objects of overlay {@code overlay} (or "base"). */
    static Rendered overlay(String overlay) {
        return CACHE.computeIfAbsent(overlay, o -> new Rendered(o, parse(kustomize(dir(o)))));
    }

    static Path dir(String overlay) {
        return Repo.root().resolve(overlay.equals("base") ? "deploy/k8s/base" : "deploy/k8s/overlays/" + overlay);
    }

    /** Runs {@code kubectl kustomize dir} (offline), bounded by 60 s; fails with kubectl's own message. */
    static String kustomize(Path dir) {
        String kubectl = kubectl();
        try {
            Path err = Files.createTempFile("kustomize", ".err");
            Path out = Files.createTempFile("kustomize", ".yaml");
            try {
                Process p = new ProcessBuilder(kubectl, "kustomize", dir.toString())
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    throw new AssertionError("kubectl kustomize " + dir + " did not finish within 60 s");
                }
                if (p.exitValue() != 0) {
                    throw new AssertionError("kubectl kustomize " + dir + " failed (exit " + p.exitValue() + "): "
                            + Files.readString(err, StandardCharsets.UTF_8));
                }
                return Files.readString(out, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(err);
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + kubectl + " kustomize " + dir + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** kubectl (1.27+, with kustomize): /usr/bin/kubectl, else the first on PATH; a clear failure without. */
    static String kubectl() {
        List<Path> candidates =
                new ArrayList<>(List.of(Path.of("/usr/bin/kubectl"), Path.of("/usr/local/bin/kubectl")));
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isBlank()) {
                candidates.add(Path.of(dir, "kubectl"));
            }
        }
        return candidates.stream()
                .filter(Files::isExecutable)
                .findFirst()
                .map(Path::toString)
                .orElseThrow(() -> new AssertionError("kubectl is missing (looked in /usr/bin, /usr/local/bin and"
                        + " PATH): the deploy/k8s checks render every overlay with `kubectl kustomize`; install"
                        + " kubectl 1.27 or newer (it bundles kustomize)"));
    }

    static List<JsonNode> parse(String yaml) {
        List<JsonNode> docs = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(yaml)) {
            for (JsonNode doc : YAML.readValues(parser, JsonNode.class).readAll()) {
                if (doc != null && doc.isObject() && !doc.isEmpty()) {
                    docs.add(doc);
                }
            }
        } catch (IOException e) {
            throw new AssertionError("kubectl kustomize's output is not YAML: " + e.getMessage(), e);
        }
        return docs;
    }

    List<JsonNode> ofKind(String kind) {
        return objects.stream()
                .filter(o -> o.path("kind").asText().equals(kind))
                .toList();
    }

    Optional<JsonNode> find(String kind, String name) {
        return ofKind(kind).stream().filter(o -> name(o).equals(name)).findFirst();
    }

    static String name(JsonNode o) {
        return o.path("metadata").path("name").asText();
    }

    static String id(JsonNode o) {
        return o.path("kind").asText() + "/" + name(o);
    }

    /** Deployments, StatefulSets and Jobs. */
    List<JsonNode> workloads() {
        return objects.stream()
                .filter(o -> List.of("Deployment", "StatefulSet", "Job")
                        .contains(o.path("kind").asText()))
                .toList();
    }

    static JsonNode podSpec(JsonNode workload) {
        return workload.path("spec").path("template").path("spec");
    }

    static ObjectNode podLabels(JsonNode workload) {
        return (ObjectNode)
                workload.path("spec").path("template").path("metadata").path("labels");
    }

    /** Containers and init containers of a workload. */
    static List<JsonNode> containers(JsonNode workload) {
        List<JsonNode> all = new ArrayList<>();
        podSpec(workload).path("initContainers").forEach(all::add);
        podSpec(workload).path("containers").forEach(all::add);
        return all;
    }

    /** The data of the {@code pgha-settings} ConfigMap (its name carries kustomize's hash). */
    JsonNode settings() {
        return ofKind("ConfigMap").stream()
                .filter(o -> name(o).startsWith("pgha-settings"))
                .findFirst()
                .orElseThrow()
                .path("data");
    }

    /** A container that runs a pgha service's image with the image's own entrypoint, and its workload. */
    record ServiceContainer(JsonNode workload, JsonNode container, Modules.Service service) {}

    /** The containers (not init containers) that run a service's image without a {@code command} of their own. */
    List<ServiceContainer> serviceContainers() {
        List<ServiceContainer> found = new ArrayList<>();
        for (JsonNode w : workloads()) {
            for (JsonNode c : podSpec(w).path("containers")) {
                Optional<Modules.Service> s = Modules.byImage(c.path("image").asText());
                if (s.isPresent() && !c.has("command")) {
                    found.add(new ServiceContainer(w, c, s.get()));
                }
            }
        }
        return found;
    }
}
