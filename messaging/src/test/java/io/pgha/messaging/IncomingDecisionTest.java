package io.pgha.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.events.EventCodec;
import io.pgha.events.EventExamples;
import io.pgha.events.EventType;
import io.pgha.events.PghaEvent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class IncomingDecisionTest {
    private final EventCodec codec = new EventCodec();

    @Test
    void aValidRecordWithUnknownPropertiesIsProcessed() {
        PghaEvent example = EventExamples.all().get(0);
        String json = new String(codec.encode(example), StandardCharsets.UTF_8)
                .replaceFirst("\\{", "{\"added_later\":{\"x\":[1]},");

        IncomingDecision decision =
                IncomingDecision.decide(EventType.of(example).ceType(), json.getBytes(StandardCharsets.UTF_8), codec);

        assertThat(decision).isEqualTo(new IncomingDecision.Process(example));
    }

    @Test
    void garbageGoesToTheDeadLetterTopicWithTheReason() {
        IncomingDecision decision = IncomingDecision.decide("io.pgha.alert-fired.v1", new byte[] {0, 1, 2, 'x'}, codec);

        assertThat(decision).isInstanceOf(IncomingDecision.DeadLetter.class);
        assertThat(((IncomingDecision.DeadLetter) decision).reason())
                .startsWith("cannot parse the body of an io.pgha.alert-fired.v1 record");
    }

    @Test
    void aRecordWithoutTypeOrWithAForeignTypeGoesToTheDeadLetterTopic() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        assertThat(IncomingDecision.decide(null, body, codec)).isInstanceOf(IncomingDecision.DeadLetter.class);
        assertThat(IncomingDecision.decide("com.example.thing", body, codec))
                .isInstanceOf(IncomingDecision.DeadLetter.class);
    }

    @Test
    void aPghaTypeThisVersionDoesNotKnowIsSkipped() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        assertThat(IncomingDecision.decide("io.pgha.quorum-changed.v1", body, codec))
                .isEqualTo(new IncomingDecision.Skip("io.pgha.quorum-changed.v1"));
        assertThat(IncomingDecision.decide("io.pgha.topology-changed.v2", body, codec))
                .isEqualTo(new IncomingDecision.Skip("io.pgha.topology-changed.v2"));
    }
}
