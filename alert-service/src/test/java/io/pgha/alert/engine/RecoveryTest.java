package io.pgha.alert.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.alert.rules.Alert;
import io.pgha.alert.rules.AlertChange;
import io.pgha.alert.rules.AlertName;
import io.pgha.events.AlertEvent;
import io.pgha.events.AlertEvent.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The first decision after a replay, and the read-back of pgha.alerts it starts from. */
class RecoveryTest {
    private static final Instant ANNOUNCED_AT = Instant.parse("2026-12-01T09:00:00Z");
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void anAlertStillFiringKeepsItsFingerprintAndAnnouncedStartAndIsReannouncedNotFiredAgain() {
        Alert before = down("pg-1", ANNOUNCED_AT, "pg-1 is down");
        Alert now = down("pg-1", NOW.minusSeconds(60), "pg-1 is down (replayed)"); // replay saw a later start
        Recovery r = Recovery.decide(Map.of(before.fingerprint(), before), List.of(now), NOW);

        assertThat(r.changes()).isEmpty();
        assertThat(r.reannounced()).singleElement().satisfies(a -> {
            assertThat(a.fingerprint()).isEqualTo(before.fingerprint());
            assertThat(a.startsAt()).isEqualTo(ANNOUNCED_AT);
            assertThat(a.summary()).isEqualTo("pg-1 is down (replayed)");
        });
        assertThat(r.active()).containsOnlyKeys(before.fingerprint());
        assertThat(r.active().get(before.fingerprint()).startsAt()).isEqualTo(ANNOUNCED_AT);
    }

    @Test
    void anAnnouncedAlertThatStoppedWhileNobodyWatchedIsResolvedNowAndANewOneFires() {
        Alert gone = down("pg-1", ANNOUNCED_AT, "pg-1 is down");
        Alert fresh = down("pg-2", NOW.minusSeconds(5), "pg-2 is down");
        Recovery r = Recovery.decide(Map.of(gone.fingerprint(), gone), List.of(fresh, fresh), NOW);

        assertThat(r.reannounced()).isEmpty();
        assertThat(r.changes()).containsExactly(new AlertChange.Fired(fresh), new AlertChange.Resolved(gone, NOW));
        assertThat(r.active()).containsOnlyKeys(fresh.fingerprint());
    }

    @Test
    void theReadBackFoldsFiredAndResolvedOfAnyReplicaAndSkipsWhatItCannotRebuild() {
        Alert a = down("pg-1", ANNOUNCED_AT, "pg-1 is down");
        Alert b = down("pg-2", ANNOUNCED_AT, "pg-2 is down");
        Map<String, Alert> announced = Map.of();
        announced = Announced.fold(announced, fired(a));
        announced = Announced.fold(announced, fired(a)); // the other replica's copy
        announced = Announced.fold(announced, fired(b));
        announced = Announced.fold(
                announced,
                new AlertEvent.AlertResolved("c1", b.name().name(), b.fingerprint(), "pg-2", ANNOUNCED_AT, NOW, NOW));
        announced = Announced.fold(announced, renamed(fired(a), "PghaFromANewerVersion"));
        announced = Announced.fold(announced, withFingerprint(fired(down("pg-3", ANNOUNCED_AT, "x")), "0000"));

        assertThat(announced).containsOnlyKeys(a.fingerprint());
        assertThat(announced.get(a.fingerprint())).isEqualTo(a);
    }

    private static Alert down(String member, Instant startsAt, String summary) {
        return new Alert(
                AlertName.PghaMemberDown,
                "c1",
                member,
                Severity.CRITICAL,
                summary,
                member + " cannot be reached",
                "docs/runbooks/PghaMemberDown.md",
                startsAt,
                Map.of());
    }

    private static AlertEvent.AlertFired fired(Alert a) {
        return new AlertChange.Fired(a).toEvent(a.startsAt());
    }

    private static AlertEvent.AlertFired renamed(AlertEvent.AlertFired f, String name) {
        return copy(f, name, f.fingerprint());
    }

    private static AlertEvent.AlertFired withFingerprint(AlertEvent.AlertFired f, String fingerprint) {
        return copy(f, f.alert(), fingerprint);
    }

    private static AlertEvent.AlertFired copy(AlertEvent.AlertFired f, String name, String fingerprint) {
        return new AlertEvent.AlertFired(
                f.cluster(),
                name,
                fingerprint,
                f.member(),
                f.severity(),
                f.summary(),
                f.labels(),
                f.annotations(),
                f.startsAt(),
                f.occurredAt());
    }
}
