package io.pgha.alert.delivery;

import io.pgha.alert.rules.Alert;
import io.pgha.alert.rules.AlertChange;
import java.time.Instant;
import java.util.Map;

/**
 * One thing to tell one receiver: an alert fires or is resolved. Pending ones are persisted in the
 * {@link Outbox} under their {@code seq}; re-sends of still-firing alerts are not ({@code seq} 0).
 *
 * @param seq order of creation within this outbox (higher is newer); 0 for a re-send
 * @param fingerprint {@link Alert#fingerprint()}
 * @param status firing or resolved
 * @param endsAt when it stopped firing; null while it fires (the sender sets a lease instead)
 * @param generatorUrl where a human sees the alerts of its cluster
 * @param createdAt when the sink was handed it
 */
public record Notification(
        long seq,
        String fingerprint,
        Status status,
        Map<String, String> labels,
        Map<String, String> annotations,
        Instant startsAt,
        Instant endsAt,
        String generatorUrl,
        Instant createdAt) {

    /** Alertmanager's and the webhook's word for it. */
    public enum Status {
        FIRING,
        RESOLVED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Status ofWire(String text) {
            return valueOf(text.toUpperCase(java.util.Locale.ROOT));
        }
    }

    public Notification {
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
    }

    /** What {@code change} tells a receiver, as persisted notification {@code seq}. */
    public static Notification of(AlertChange change, long seq, String generatorUrl, Instant now) {
        Alert alert = change.alert();
        Instant endsAt = change instanceof AlertChange.Resolved resolved ? resolved.endsAt() : null;
        Status status = endsAt == null ? Status.FIRING : Status.RESOLVED;
        return new Notification(
                seq,
                alert.fingerprint(),
                status,
                alert.labels(),
                alert.annotations(),
                alert.startsAt(),
                endsAt,
                generatorUrl,
                now);
    }

    /** A re-send of an alert that still fires (not persisted). */
    public static Notification stillFiring(Alert alert, String generatorUrl, Instant now) {
        return new Notification(
                0,
                alert.fingerprint(),
                Status.FIRING,
                alert.labels(),
                alert.annotations(),
                alert.startsAt(),
                null,
                generatorUrl,
                now);
    }

    /** True for a notification kept in the outbox (not a re-send). */
    public boolean persisted() {
        return seq > 0;
    }
}
