package io.pgha.events;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Map;

/**
 * Topic {@code pgha.alerts} (key = {@code <cluster>/<alert>}): alerts raised and cleared by the
 * alert-service. Fields follow Alertmanager's API v2 ({@code labels}, {@code annotations},
 * {@code startsAt}, {@code endsAt}, {@code fingerprint}) in snake_case.
 */
public sealed interface AlertEvent extends PghaEvent {
    /** The alert's name, e.g. {@code ReplicationLagHigh}. */
    String alert();

    /** The member the alert is about, or null when it is about the whole cluster. */
    String member();

    @Override
    default String subject() {
        return member() == null ? cluster() : cluster() + "/" + member();
    }

    @Override
    default String key() {
        return cluster() + "/" + alert();
    }

    /** How urgent. */
    enum Severity {
        @JsonProperty("critical")
        CRITICAL,
        @JsonProperty("warning")
        WARNING,
        /** Informational, or a value added after this version of the contract. */
        @JsonEnumDefaultValue
        @JsonProperty("info")
        INFO
    }

    /**
     * An alert started firing.
     *
     * @param fingerprint identifies this alert instance (same labels, same fingerprint); its resolve
     *     carries the same one
     * @param summary one line for humans
     * @param labels the alert's labels (alertname, cluster, member, severity, ...)
     * @param annotations free text: description, runbook_url, ...
     * @param startsAt when the condition began
     */
    record AlertFired(
            String cluster,
            String alert,
            String fingerprint,
            String member,
            Severity severity,
            String summary,
            Map<String, String> labels,
            Map<String, String> annotations,
            Instant startsAt,
            Instant occurredAt)
            implements AlertEvent {
        public AlertFired {
            Require.present(cluster, "cluster");
            Require.present(alert, "alert");
            Require.present(fingerprint, "fingerprint");
            severity = severity == null ? Severity.INFO : severity;
            labels = Require.map(labels);
            annotations = Require.map(annotations);
            Require.present(startsAt, "starts_at");
            Require.present(occurredAt, "occurred_at");
        }
    }

    /** An alert stopped firing. */
    record AlertResolved(
            String cluster,
            String alert,
            String fingerprint,
            String member,
            Instant startsAt,
            Instant endsAt,
            Instant occurredAt)
            implements AlertEvent {
        public AlertResolved {
            Require.present(cluster, "cluster");
            Require.present(alert, "alert");
            Require.present(fingerprint, "fingerprint");
            Require.present(endsAt, "ends_at");
            Require.present(occurredAt, "occurred_at");
        }
    }
}
