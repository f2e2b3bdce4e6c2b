package io.pgha.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.events.AlertEvent.AlertFired;
import io.pgha.events.ElectionEvent.MemberPromoted;
import io.pgha.events.NodeHealthEvent.NodeHealthObserved;
import io.pgha.events.TopologyEvent.TopologyChanged;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TopicsTest {
    private final Map<Class<?>, PghaEvent> examples =
            EventExamples.all().stream().collect(Collectors.toMap(Object::getClass, Function.identity()));

    @Test
    void topicsKeysAndCleanupPoliciesAreThoseOfTheDesign() {
        assertThat(Topics.ALL)
                .extracting(Topic::name, Topic::keyForm, Topic::cleanupPolicy)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "pgha.node-health", "<cluster>/<member>", Topic.CleanupPolicy.DELETE),
                        org.assertj.core.groups.Tuple.tuple("pgha.election", "<cluster>", Topic.CleanupPolicy.DELETE),
                        org.assertj.core.groups.Tuple.tuple("pgha.topology", "<cluster>", Topic.CleanupPolicy.COMPACT),
                        org.assertj.core.groups.Tuple.tuple("pgha.backup", "<cluster>", Topic.CleanupPolicy.DELETE),
                        org.assertj.core.groups.Tuple.tuple(
                                "pgha.alerts", "<cluster>/<alert>", Topic.CleanupPolicy.DELETE));
        assertThat(Topics.TOPOLOGY.cleanupPolicy().kafkaValue()).isEqualTo("compact");
        assertThat(Topics.NODE_HEALTH.deadLetterTopic()).isEqualTo("pgha.node-health.dlq");
        assertThat(Topics.named("pgha.backup")).contains(Topics.BACKUP);
        assertThat(Topics.named("pgha.other")).isEmpty();
    }

    @Test
    void keysAndSubjectsFollowTheKeyForms() {
        PghaEvent health = examples.get(NodeHealthObserved.class);
        assertThat(Topics.of(health)).isEqualTo(Topics.NODE_HEALTH);
        assertThat(health.key()).isEqualTo("demo/pg-1");
        assertThat(health.subject()).isEqualTo("demo/pg-1");

        PghaEvent promoted = examples.get(MemberPromoted.class);
        assertThat(promoted.key()).isEqualTo("demo");
        assertThat(promoted.subject()).isEqualTo("demo/pg-1");

        PghaEvent topology = examples.get(TopologyChanged.class);
        assertThat(topology.key()).isEqualTo("demo");
        assertThat(topology.subject()).isEqualTo("demo");

        PghaEvent alert = examples.get(AlertFired.class);
        assertThat(alert.key()).isEqualTo("demo/ReplicationLagHigh");
        assertThat(alert.subject()).isEqualTo("demo/pg-2");
    }

    @Test
    void cloudEventTypesFollowOneScheme() {
        assertThat(EventType.of(NodeHealthObserved.class).ceType()).isEqualTo("io.pgha.node-health-observed.v1");
        assertThat(EventType.of(TopologyChanged.class).schemaResource()).isEqualTo("schemas/topology-changed.v1.json");
        assertThat(EventType.ALL).allSatisfy(type -> assertThat(type.ceType()).matches("io\\.pgha\\.[a-z0-9-]+\\.v1"));
        assertThat(EventType.byCeType("io.pgha.alert-resolved.v1"))
                .map(EventType::javaType)
                .contains(AlertEvent.AlertResolved.class);
    }

    @Test
    void theEnvelopeCarriesTheDocumentedAttributes() {
        PghaEvent health = examples.get(NodeHealthObserved.class);
        CloudEventEnvelope envelope =
                CloudEventEnvelope.of(health, new EventSource("health-monitor", "hm-0"), "id-1", new EventCodec());

        assertThat(envelope.topic()).isEqualTo("pgha.node-health");
        assertThat(envelope.key()).isEqualTo("demo/pg-1");
        assertThat(envelope.headers())
                .containsEntry("ce_specversion", "1.0")
                .containsEntry("ce_id", "id-1")
                .containsEntry("ce_source", "/pgha/health-monitor/hm-0")
                .containsEntry("ce_type", "io.pgha.node-health-observed.v1")
                .containsEntry("ce_subject", "demo/pg-1")
                .containsEntry("ce_time", "2025-05-01T10:15:30.123Z")
                .containsEntry("content-type", "application/json");
        assertThat(EventSource.sanitize("pod/hm 0")).isEqualTo("pod-hm-0");
    }
}
