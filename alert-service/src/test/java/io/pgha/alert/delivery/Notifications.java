package io.pgha.alert.delivery;

import io.pgha.alert.rules.Alert;
import io.pgha.alert.rules.AlertChange;
import io.pgha.alert.rules.AlertName;
import io.pgha.events.AlertEvent.Severity;
import java.time.Instant;
import java.util.Map;

/** Alerts and notifications for the delivery tests. */
final class Notifications {
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    private Notifications() {}

    static Instant at(double seconds) {
        return T0.plusMillis((long) (seconds * 1000));
    }

    static Alert down(String cluster, String member) {
        return new Alert(
                AlertName.PghaMemberDown,
                cluster,
                member,
                Severity.CRITICAL,
                member + " is down",
                "probes of " + member + " failed",
                "docs/runbooks/PghaMemberDown.md",
                T0,
                Map.of());
    }

    static Notification fired(long seq, String member) {
        return Notification.of(new AlertChange.Fired(down("c1", member)), seq, "http://a/x", at(seq));
    }

    static Notification resolved(long seq, String member) {
        return Notification.of(new AlertChange.Resolved(down("c1", member), at(seq)), seq, "http://a/x", at(seq));
    }

    static Notification resend(String member) {
        return Notification.stillFiring(down("c1", member), "http://a/x", at(100));
    }
}
