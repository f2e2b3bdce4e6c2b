package io.pgha.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KustomizeRenderTest {
    /** What every overlay must contain: the whole of pgha (kind/name). */
    private static final List<String> EXPECTED = List.of(
            "StatefulSet/pg",
            "Service/pg",
            "PodDisruptionBudget/pg",
            "StatefulSet/etcd",
            "PodDisruptionBudget/etcd",
            "Kafka/pgha",
            "KafkaNodePool/dual",
            "KafkaTopic/pgha.topology",
            "KafkaUser/failover-coordinator",
            "KafkaUser/health-monitor",
            "Deployment/failover-coordinator",
            "Deployment/health-monitor",
            "Deployment/alert-service",
            "Deployment/backup-service",
            "StatefulSet/router",
            "Service/main-rw",
            "Service/main-ro");

    @ParameterizedTest
    @ValueSource(strings = {"base", "dev", "prod"})
    void rendersWithEveryComponentInOneNamespace(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        assertThat(r.objects).extracting(Rendered::id).containsAll(EXPECTED);
        assertThat(r.objects)
                .as("no two objects of one kind share a name")
                .extracting(Rendered::id)
                .doesNotHaveDuplicates();
        if (!overlay.equals("base")) {
            Set<String> namespaces = r.objects.stream()
                    .filter(o -> !o.path("kind").asText().equals("Namespace"))
                    .map(o -> o.path("metadata").path("namespace").asText())
                    .collect(Collectors.toSet());
            assertThat(namespaces)
                    .as("every object is in the overlay's namespace")
                    .hasSize(1);
        }
        for (JsonNode o : r.objects) {
            assertThat(o.path("metadata")
                            .path("labels")
                            .path("app.kubernetes.io/part-of")
                            .asText())
                    .as(Rendered.id(o) + " carries app.kubernetes.io/part-of=pgha")
                    .isEqualTo("pgha");
        }
    }
}
