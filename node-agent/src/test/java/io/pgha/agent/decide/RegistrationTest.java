package io.pgha.agent.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.MemberStatus;
import io.pgha.core.store.MemberEntry;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RegistrationTest {
    private static final String MINE = "http://127.0.0.1:8009/patroni";

    private static Optional<MemberEntry> key(String apiUrl) {
        MemberStatus status = new MemberStatus(
                "postgres://127.0.0.1:5433/postgres",
                apiUrl,
                MemberStatus.Role.REPLICA,
                "running",
                1,
                null,
                null,
                null,
                Map.of(),
                null,
                "0.1.0");
        return Optional.of(new MemberEntry("pg-2", status, 7));
    }

    @Test
    void aKeyThatExpiredAfterTheCreateFailedIsCreatedAgain() {
        // a killed agent restarted within the ttl: its old key expires between the create and the read
        assertThat(Registration.decide(Optional.empty(), MINE)).isEqualTo(Registration.RETRY);
    }

    @Test
    void theKeyOfThisAgentsPreviousRunIsTakenOver() {
        assertThat(Registration.decide(key(MINE), MINE)).isEqualTo(Registration.TAKE_OVER);
    }

    @Test
    void anotherAgentsKeyIsAConflict() {
        assertThat(Registration.decide(key("http://127.0.0.1:8010/patroni"), MINE))
                .isEqualTo(Registration.CONFLICT);
    }

    @Test
    void aKeyThatCannotBeReadIsAConflictNotATakeOver() {
        Optional<MemberEntry> unreadable = Optional.of(new MemberEntry("pg-2", null, 7));
        assertThat(Registration.decide(unreadable, MINE)).isEqualTo(Registration.CONFLICT);
    }
}
