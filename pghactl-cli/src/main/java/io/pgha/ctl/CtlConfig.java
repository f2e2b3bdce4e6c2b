package io.pgha.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ~/.config/pgha/pghactl.yaml}: where the coordinators of one or several clusters are, and their
 * tokens. Top-level settings serve every cluster; a cluster's own entry wins.
 *
 * <pre>
 * default_cluster: prod
 * coordinators: [http://coord-0:8020, http://coord-1:8020]
 * token_file: /etc/pgha/api-token
 * cacert: /etc/pgha/ca.crt          # the CA of https URLs (also --cacert, $PGHA_CACERT)
 * clusters:
 *   prod: {}
 *   staging:
 *     coordinators: [http://staging-coord:8020]
 *     token_file: ~/.config/pgha/staging-token
 *     backup_url: http://staging-backup:8093      # also alert_url, alertmanager_url
 * </pre>
 *
 * @param file where it was read, for messages
 * @param cacert the PEM file of the CA that verifies {@code https} URLs, if set
 */
public record CtlConfig(
        Path file,
        Optional<String> defaultCluster,
        Entry defaults,
        Map<String, Entry> clusters,
        Optional<String> cacert) {
    /** A config without {@code cacert}. */
    public CtlConfig(Path file, Optional<String> defaultCluster, Entry defaults, Map<String, Entry> clusters) {
        this(file, defaultCluster, defaults, clusters, Optional.empty());
    }

    /** The settings of a cluster's entry (and of the top level, which has these too). */
    static final List<String> PER_CLUSTER =
            List.of("coordinators", "token", "token_file", "backup_url", "alert_url", "alertmanager_url");

    static final List<String> TOP_LEVEL = java.util.stream.Stream.concat(
                    java.util.stream.Stream.of("default_cluster", "clusters", "cacert"), PER_CLUSTER.stream())
            .toList();

    /** One cluster's connection (or the top-level defaults); every part optional. */
    public record Entry(
            List<String> coordinators,
            Optional<String> token,
            Optional<String> tokenFile,
            Map<String, String> services) {
        static final Entry EMPTY = new Entry(List.of(), Optional.empty(), Optional.empty());

        /** An entry without service URLs. */
        public Entry(List<String> coordinators, Optional<String> token, Optional<String> tokenFile) {
            this(coordinators, token, tokenFile, Map.of());
        }

        /** The URL of {@code service} ({@code backup_url}, {@code alert_url}, {@code alertmanager_url}), if set. */
        public Optional<String> service(ServiceUrls.Service service) {
            return Optional.ofNullable(services.get(service.setting()));
        }
    }

    /** The config in {@code node} (the parsed YAML), or a usage error naming the file and the setting. */
    public static CtlConfig parse(Path file, JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return new CtlConfig(file, Optional.empty(), Entry.EMPTY, Map.of());
        }
        if (!node.isObject()) {
            throw CtlException.usage(
                    file + ": must be a YAML mapping (default_cluster, coordinators, token_file," + " clusters)");
        }
        known(file, "", node, TOP_LEVEL);
        Map<String, Entry> clusters = new LinkedHashMap<>();
        JsonNode list = node.path("clusters");
        if (!list.isMissingNode() && !list.isNull()) {
            if (!list.isObject()) {
                throw CtlException.usage(file + ": clusters must be a mapping from a cluster's name to its settings");
            }
            Iterator<Map.Entry<String, JsonNode>> it = list.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                clusters.put(e.getKey(), entry(file, "clusters." + e.getKey() + ".", e.getValue()));
            }
        }
        return new CtlConfig(
                file,
                text(file, "default_cluster", node.path("default_cluster")),
                entry(file, "", node),
                clusters,
                text(file, "cacert", node.path("cacert")));
    }

    private static Entry entry(Path file, String prefix, JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return Entry.EMPTY;
        }
        if (!node.isObject()) {
            throw CtlException.usage(file + ": " + prefix + " must be a mapping (coordinators, token, token_file)");
        }
        if (!prefix.isEmpty()) {
            known(file, prefix, node, PER_CLUSTER);
        }
        List<String> coordinators = new ArrayList<>();
        JsonNode c = node.path("coordinators");
        if (c.isTextual()) {
            coordinators.addAll(Endpoints.split(c.asText()));
        } else if (c.isArray()) {
            c.forEach(url -> coordinators.add(url.asText()));
        } else if (!c.isMissingNode() && !c.isNull()) {
            throw CtlException.usage(file + ": " + prefix + "coordinators must be a list of URLs");
        }
        Map<String, String> services = new LinkedHashMap<>();
        for (ServiceUrls.Service service : ServiceUrls.Service.values()) {
            text(file, prefix + service.setting(), node.path(service.setting()))
                    .ifPresent(url -> services.put(service.setting(), url));
        }
        return new Entry(
                List.copyOf(coordinators),
                text(file, prefix + "token", node.path("token")),
                text(file, prefix + "token_file", node.path("token_file")),
                Map.copyOf(services));
    }

    private static void known(Path file, String prefix, JsonNode node, List<String> names) {
        node.fieldNames().forEachRemaining(name -> {
            if (!names.contains(name)) {
                throw CtlException.usage(
                        file + ": unknown setting " + prefix + name + " (known: " + String.join(", ", names) + ")");
            }
        });
    }

    private static Optional<String> text(Path file, String name, JsonNode value) {
        if (value.isMissingNode() || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isValueNode()) {
            throw CtlException.usage(file + ": " + name + " must be a single value");
        }
        return Optional.of(value.asText());
    }
}
