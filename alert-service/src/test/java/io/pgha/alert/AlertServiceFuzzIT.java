package io.pgha.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.events.EventExamples;
import io.pgha.events.PghaEvent;
import io.pgha.events.Topic;
import io.pgha.events.Topics;
import io.pgha.local.KafkaBroker;
import io.pgha.local.LocalInfra;
import io.pgha.local.QuarkusService;
import io.pgha.local.fuzz.HostileRecords;
import io.pgha.local.fuzz.HostileRecords.Hostile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The built alert-service against the shared hostile-input corpus: on every topic it reads, records
 * that do not parse go to that topic's .dlq with a reason and the channel carries on; its REST API
 * refuses odd paths, methods, bodies, headers and malformed HTTP with a 4xx that says why.
 */
class AlertServiceFuzzIT {
    @RegisterExtension
    static final LocalInfra infra = LocalInfra.perClass();

    private static KafkaBroker kafka;
    private static QuarkusService service;

    @BeforeAll
    static void start() {
        kafka = infra.kafka();
        KafkaBroker.createTopics(kafka.bootstrapServers(), Topics.ALL);
        service = infra.service(
                "alert-fuzz",
                QuarkusService.ownJar(),
                Map.of("kafka.bootstrap.servers", kafka.bootstrapServers(), "pgha.alert.name", "fuzz"));
    }

    @Test
    void unparseableRecordsOfEveryTopicAreDeadLetteredToThatTopicWithAReason() throws Exception {
        try (HostileRecords records = new HostileRecords(kafka.bootstrapServers())) {
            for (Topic topic : Topics.ALL) {
                PghaEvent valid = EventExamples.all().stream()
                        .filter(e -> Topics.of(e).equals(topic))
                        .findFirst()
                        .orElseThrow();
                List<Hostile> hostile = HostileRecords.unparseable(valid);
                records.send(hostile);
                HostileRecords.awaitDeadLettered(
                        kafka.bootstrapServers(), topic.name(), hostile, Duration.ofSeconds(30));
            }
        }
        assertThat(service.get("/q/health/ready").statusCode()).isEqualTo(200);
        stillServes();
    }

    @Test
    void oddPathsMethodsBodiesAndHeadersAreRefusedWithAReason() throws Exception {
        io.pgha.local.fuzz.RestFuzz fuzz = new io.pgha.local.fuzz.RestFuzz(service.host(), service.httpPort());
        fuzz.readOnlyClustersApi("c1", "alerts");
        fuzz.assertClean();
        stillServes();
    }

    private static void stillServes() throws Exception {
        assertThat(service.get("/q/health/live").statusCode()).isEqualTo(200);
        assertThat(service.get("/api/v1/clusters").statusCode()).isEqualTo(200);
    }
}
