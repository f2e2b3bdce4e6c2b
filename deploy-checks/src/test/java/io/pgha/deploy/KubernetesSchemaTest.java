package io.pgha.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Quantity;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every rendered object against the Kubernetes API's types, through fabric8's kubernetes-model 8.0.0
 * (generated from the OpenAPI schema of Kubernetes 1.33): read strictly (an unknown or misplaced field, which
 * fabric8 would keep in {@code additionalProperties}, fails), plus the server-side rules that the schema
 * does not express and that a typo breaks (names, port names, quantities). Strimzi's resources the same way
 * through Strimzi's own model ({@code io.strimzi:api} 0.49.0).
 */
class KubernetesSchemaTest {
    private static final Map<String, Class<?>> TYPES = Map.ofEntries(
            Map.entry("v1/Service", io.fabric8.kubernetes.api.model.Service.class),
            Map.entry("v1/ServiceAccount", io.fabric8.kubernetes.api.model.ServiceAccount.class),
            Map.entry("v1/ConfigMap", io.fabric8.kubernetes.api.model.ConfigMap.class),
            Map.entry("v1/Secret", io.fabric8.kubernetes.api.model.Secret.class),
            Map.entry("v1/Namespace", io.fabric8.kubernetes.api.model.Namespace.class),
            Map.entry("apps/v1/Deployment", io.fabric8.kubernetes.api.model.apps.Deployment.class),
            Map.entry("apps/v1/StatefulSet", io.fabric8.kubernetes.api.model.apps.StatefulSet.class),
            Map.entry("batch/v1/Job", io.fabric8.kubernetes.api.model.batch.v1.Job.class),
            Map.entry(
                    "policy/v1/PodDisruptionBudget",
                    io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class),
            Map.entry(
                    "networking.k8s.io/v1/NetworkPolicy",
                    io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class),
            Map.entry(
                    "monitoring.coreos.com/v1/PodMonitor",
                    io.fabric8.openshift.api.model.monitoring.v1.PodMonitor.class),
            Map.entry(
                    "monitoring.coreos.com/v1/PrometheusRule",
                    io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule.class),
            // Strimzi's own model (io.strimzi:api, the release the docs name)
            Map.entry("kafka.strimzi.io/v1beta2/Kafka", io.strimzi.api.kafka.model.kafka.Kafka.class),
            Map.entry(
                    "kafka.strimzi.io/v1beta2/KafkaNodePool", io.strimzi.api.kafka.model.nodepool.KafkaNodePool.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaTopic", io.strimzi.api.kafka.model.topic.KafkaTopic.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaUser", io.strimzi.api.kafka.model.user.KafkaUser.class));

    /** Custom resources this base uses; their operators must be installed (docs/kubernetes.md). */
    static final Set<String> CUSTOM = Set.of(
            "kafka.strimzi.io/v1beta2/Kafka",
            "kafka.strimzi.io/v1beta2/KafkaNodePool",
            "kafka.strimzi.io/v1beta2/KafkaTopic",
            "kafka.strimzi.io/v1beta2/KafkaUser");

    private static final ObjectMapper STRICT =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern PORT_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyObjectIsAValidKubernetesObject(String overlay) {
        assertThat(problems(Rendered.overlay(overlay).objects))
                .as("schema problems in overlay " + overlay)
                .isEmpty();
    }

    @org.junit.jupiter.api.Test
    void misplacedFieldsWrongTypesAndBadNamesAreFound() {
        List<JsonNode> bad = Rendered.parse(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers:
                        - name: c
                          image: i
                          prots: [{containerPort: 1}]
                          ports: [{name: much-too-long-port-name, containerPort: 2}]
                          resources: {requests: {memory: 12 GB}}
                ---
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaTopic
                metadata: {name: t}
                spec: {partitions: 1, replicas: 1, cleanupPolicy: compact}
                ---
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaUser
                metadata: {name: ku}
                spec:
                  authentication: {type: scram-sha-512}
                  authorization:
                    type: simple
                    acls: [{resource: {type: topic, name: t, patternType: literal}, operations: [Read], hots: "*"}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: Bad_Name}
                spec: {ports: [{port: not-a-number}]}
                ---
                apiVersion: example.com/v1
                kind: Unknown
                metadata: {name: u}
                """);
        assertThat(String.join("\n", problems(bad)))
                .contains(
                        "[prots]",
                        "much-too-long-port-name",
                        "12 GB",
                        "Service/Bad_Name",
                        "example.com/v1/Unknown",
                        "KafkaTopic/t.spec: unknown field(s) [cleanupPolicy]",
                        "[hots]");
    }

    static List<String> problems(List<JsonNode> objects) {
        List<String> problems = new ArrayList<>();
        for (JsonNode o : objects) {
            String type = o.path("apiVersion").asText() + "/" + o.path("kind").asText();
            Class<?> cls = TYPES.get(type);
            if (cls == null) {
                if (!CUSTOM.contains(type)) {
                    problems.add(Rendered.id(o) + ": " + type + " is neither a known Kubernetes type nor a custom"
                            + " resource the docs list");
                }
                continue;
            }
            Object typed;
            try {
                typed = STRICT.treeToValue(o, cls);
            } catch (Exception e) {
                problems.add(Rendered.id(o) + ": "
                        + e.getMessage().lines().findFirst().orElse(""));
                continue;
            }
            unknownFields(typed, Rendered.id(o), problems, new IdentityHashMap<>());
            names(o, problems);
        }
        return problems;
    }

    /** Fields fabric8 did not know (kept in additionalProperties): a typo or a field at the wrong level. */
    static void unknownFields(Object value, String path, List<String> problems, Map<Object, Boolean> seen) {
        if (value == null || seen.put(value, Boolean.TRUE) != null) {
            return;
        }
        if (value instanceof Collection<?> c) {
            int i = 0;
            for (Object item : c) {
                unknownFields(item, path + "[" + i++ + "]", problems, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> unknownFields(v, path + "." + k, problems, seen));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.")
                && !value.getClass().getName().startsWith("io.strimzi.")) {
            return;
        }
        if (value instanceof Quantity q) {
            try {
                q.getNumericalAmount();
            } catch (RuntimeException e) {
                problems.add(path + ": " + q + " is not a quantity");
            }
            return;
        }
        if (value instanceof Enum<?>) {
            return;
        }
        for (Class<?> c = value.getClass();
                c != null
                        && (c.getName().startsWith("io.fabric8.") || c.getName().startsWith("io.strimzi."));
                c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                f.setAccessible(true);
                Object v;
                try {
                    v = f.get(value);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
                if (f.getName().equals("additionalProperties")) {
                    if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        problems.add(path + ": unknown field(s) " + extra.keySet());
                    }
                } else {
                    unknownFields(v, path + "." + f.getName(), problems, seen);
                }
            }
        }
    }

    /** Rules of the API server that the OpenAPI types do not carry. */
    private static void names(JsonNode o, List<String> problems) {
        String name = Rendered.name(o);
        String kind = o.path("kind").asText();
        Pattern rule = List.of("Service", "Namespace").contains(kind) ? DNS_LABEL : DNS_SUBDOMAIN;
        if (!rule.matcher(name).matches() || name.length() > (kind.equals("Service") ? 63 : 253)) {
            problems.add(Rendered.id(o) + ": the name is not a valid " + kind + " name");
        }
        if (kind.equals("StatefulSet") && name.length() > 52) {
            problems.add(Rendered.id(o) + ": a StatefulSet name over 52 characters breaks its pods' revision label");
        }
        for (JsonNode c : o.findValues("containers")) {
            c.forEach(container -> container.path("ports").forEach(p -> {
                String portName = p.path("name").asText("");
                if (!portName.isEmpty()
                        && (portName.length() > 15
                                || !PORT_NAME.matcher(portName).matches()
                                || !portName.matches(".*[a-z].*"))) {
                    problems.add(
                            Rendered.id(o) + ": port name '" + portName + "' is not an IANA service name (at most 15)");
                }
            }));
        }
    }
}
