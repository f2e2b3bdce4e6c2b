package io.pgha.monitor.decide;

import static io.pgha.monitor.decide.Results.T;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.events.NodeHealthEvent.ErrorClass;
import io.pgha.events.NodeHealthEvent.NodeHealthObserved;
import io.pgha.monitor.decide.PublishPolicy.Reason;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PublishPolicyTest {
    private static final Duration HEARTBEAT = Duration.ofSeconds(5);

    private static NodeHealthObserved event(ProbeResult result, Long lag) {
        return Observations.event("c", "pg-1", "hm-0", result, lag);
    }

    private static Reason decide(NodeHealthObserved last, NodeHealthObserved next, Instant now) {
        return PublishPolicy.decide(last, T, next, now, HEARTBEAT).orElse(null);
    }

    @Test
    void theFirstObservationIsPublished() {
        assertThat(decide(null, event(Results.replica("0/1", "0/1", 1), 0L), T)).isEqualTo(Reason.FIRST);
    }

    @Test
    void changesArePublishedAtOnce() {
        NodeHealthObserved replica = event(Results.replica("0/1", "0/1", 1), 0L);
        assertThat(decide(replica, event(Results.primary("0/1", 1), 0L), T.plusMillis(1)))
                .isEqualTo(Reason.ROLE);
        assertThat(decide(replica, event(Results.replica("0/1", "0/1", 2), 0L), T.plusMillis(1)))
                .isEqualTo(Reason.TIMELINE);
        NodeHealthObserved refused = event(Results.down(ErrorClass.CONNECTION_REFUSED), null);
        assertThat(decide(replica, refused, T.plusMillis(1))).isEqualTo(Reason.REACHABILITY);
        assertThat(decide(refused, event(Results.down(ErrorClass.AUTHENTICATION), null), T.plusMillis(1)))
                .isEqualTo(Reason.ERROR_CLASS);
        assertThat(decide(refused, replica, T.plusMillis(1))).isEqualTo(Reason.REACHABILITY);
    }

    @Test
    void lagAndLsnChangesWaitForTheHeartbeat() {
        NodeHealthObserved before = event(Results.replica("0/1", "0/1", 1), 0L);
        NodeHealthObserved after = event(Results.replica("0/100", "0/50", 1), 0x50L);

        assertThat(decide(before, after, T.plusSeconds(4))).isNull();
        assertThat(decide(before, after, T.plusSeconds(5))).isEqualTo(Reason.HEARTBEAT);
        assertThat(decide(before, before, T.plusSeconds(6))).isEqualTo(Reason.HEARTBEAT);
    }

    @Test
    void theEventCarriesTheLagOnlyWhenReachable() {
        NodeHealthObserved up = event(Results.replica("0/100", "0/50", 3), 0x50L);
        assertThat(up.lag()).isEqualTo(0x50L);
        assertThat(up.timeline()).isEqualTo(3);
        assertThat(up.errorClass()).isNull();

        NodeHealthObserved down = event(Results.down(ErrorClass.TIMEOUT), 7L);
        assertThat(down.lag()).isNull();
        assertThat(down.errorClass()).isEqualTo(ErrorClass.TIMEOUT);
        assertThat(down.probeLatencyMs()).isEqualTo(400);
    }
}
