package io.pgha.alert.rules;

import io.pgha.events.AlertEvent;
import java.time.Instant;

/** What an evaluation decided: an alert starts or stops firing. */
public sealed interface AlertChange {
    Alert alert();

    /** The event to publish on {@code pgha.alerts}. */
    AlertEvent toEvent(Instant now);

    /** The alert started firing. */
    record Fired(Alert alert) implements AlertChange {
        @Override
        public AlertEvent.AlertFired toEvent(Instant now) {
            return new AlertEvent.AlertFired(
                    alert.cluster(),
                    alert.name().name(),
                    alert.fingerprint(),
                    alert.member(),
                    alert.severity(),
                    alert.summary(),
                    alert.labels(),
                    alert.annotations(),
                    alert.startsAt(),
                    now);
        }
    }

    /** The alert stopped firing at {@code endsAt}. */
    record Resolved(Alert alert, Instant endsAt) implements AlertChange {
        @Override
        public AlertEvent.AlertResolved toEvent(Instant now) {
            return new AlertEvent.AlertResolved(
                    alert.cluster(),
                    alert.name().name(),
                    alert.fingerprint(),
                    alert.member(),
                    alert.startsAt(),
                    endsAt,
                    now);
        }
    }
}
