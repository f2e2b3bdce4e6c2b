package io.pgha.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.events.EventCodec;
import io.pgha.events.EventExamples;
import io.pgha.events.EventSource;
import io.pgha.events.EventType;
import io.pgha.events.PghaEvent;
import io.pgha.events.Producers;
import io.pgha.events.TopologyEvent.TopologyChanged;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class IncomingDecisionTest {
    private final EventCodec codec = new EventCodec();

    /** The source of the kind that publishes {@code event}'s type. */
    private static String rightSource(PghaEvent event) {
        return new EventSource(Producers.of(EventType.of(event)), "x-0").uri().toString();
    }

    @Test
    void aValidRecordWithUnknownPropertiesIsProcessed() {
        PghaEvent example = EventExamples.all().get(0);
        String json = new String(codec.encode(example), StandardCharsets.UTF_8)
                .replaceFirst("\\{", "{\"added_later\":{\"x\":[1]},");

        IncomingDecision decision = IncomingDecision.decide(
                EventType.of(example).ceType(), rightSource(example), json.getBytes(StandardCharsets.UTF_8), codec);

        assertThat(decision).isEqualTo(new IncomingDecision.Process(example));
    }

    @Test
    void everyExampleFromItsProducersKindIsProcessed() {
        for (PghaEvent example : EventExamples.all()) {
            assertThat(IncomingDecision.decide(
                            EventType.of(example).ceType(), rightSource(example), codec.encode(example), codec))
                    .as(EventType.of(example).ceType())
                    .isEqualTo(new IncomingDecision.Process(example));
        }
    }

    @Test
    void aRecordFromAnotherKindOfServiceGoesToTheDeadLetterTopicNamingSourceAndKind() {
        TopologyChanged topology = EventExamples.all().stream()
                .filter(TopologyChanged.class::isInstance)
                .map(TopologyChanged.class::cast)
                .findFirst()
                .orElseThrow();

        IncomingDecision decision = IncomingDecision.decide(
                "io.pgha.topology-changed.v1", "/pgha/health-monitor/hm-0", codec.encode(topology), codec);

        assertThat(decision).isInstanceOf(IncomingDecision.DeadLetter.class);
        assertThat(((IncomingDecision.DeadLetter) decision).reason())
                .contains("'/pgha/health-monitor/hm-0'")
                .contains("of kind health-monitor, expected failover-coordinator")
                .contains("pgha.topology");
        assertThat(((IncomingDecision.DeadLetter) decision).error().getMessage())
                .isEqualTo(((IncomingDecision.DeadLetter) decision).reason());
    }

    @Test
    void aRecordWithoutSourceOrWithAMalformedSourceGoesToTheDeadLetterTopic() {
        PghaEvent example = EventExamples.all().get(0);
        String type = EventType.of(example).ceType();
        byte[] body = codec.encode(example);

        IncomingDecision missing = IncomingDecision.decide(type, null, body, codec);
        IncomingDecision blank = IncomingDecision.decide(type, " ", body, codec);
        IncomingDecision malformed =
                IncomingDecision.decide(type, "http://evil.example/pgha/health-monitor/x", body, codec);
        IncomingDecision tooDeep = IncomingDecision.decide(type, "/pgha/health-monitor/hm-0/extra", body, codec);

        assertThat(((IncomingDecision.DeadLetter) missing).reason())
                .contains("no CloudEvent source (header ce_source)");
        assertThat(((IncomingDecision.DeadLetter) blank).reason()).contains("no CloudEvent source");
        assertThat(((IncomingDecision.DeadLetter) malformed).reason())
                .contains("'http://evil.example/pgha/health-monitor/x' is not of the form /pgha/<service>/<instance>");
        assertThat(tooDeep).isInstanceOf(IncomingDecision.DeadLetter.class);
    }

    @Test
    void aBodyThatDoesNotParseIsDeadLetteredForThatWhateverItsSource() {
        IncomingDecision decision =
                IncomingDecision.decide("io.pgha.alert-fired.v1", "/test/elsewhere", new byte[] {0, 1, 2, 'x'}, codec);

        assertThat(decision).isInstanceOf(IncomingDecision.DeadLetter.class);
        assertThat(((IncomingDecision.DeadLetter) decision).reason())
                .startsWith("cannot parse the body of an io.pgha.alert-fired.v1 record");
    }

    @Test
    void aRecordWithoutTypeOrWithAForeignTypeGoesToTheDeadLetterTopic() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        String source = "/pgha/alert-service/as-0";
        assertThat(IncomingDecision.decide(null, source, body, codec)).isInstanceOf(IncomingDecision.DeadLetter.class);
        assertThat(IncomingDecision.decide("com.example.thing", source, body, codec))
                .isInstanceOf(IncomingDecision.DeadLetter.class);
    }

    @Test
    void aPghaTypeThisVersionDoesNotKnowIsSkippedWhateverItsSource() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        assertThat(IncomingDecision.decide("io.pgha.quorum-changed.v1", "/pgha/someone-new/x", body, codec))
                .isEqualTo(new IncomingDecision.Skip("io.pgha.quorum-changed.v1"));
        assertThat(IncomingDecision.decide("io.pgha.topology-changed.v2", null, body, codec))
                .isEqualTo(new IncomingDecision.Skip("io.pgha.topology-changed.v2"));
    }
}
