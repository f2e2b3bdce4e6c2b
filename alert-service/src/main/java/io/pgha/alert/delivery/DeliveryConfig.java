package io.pgha.alert.delivery;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Delivery settings under {@code pgha.alert}; checked at start by {@link DeliverySettings#from}. */
@ConfigMapping(prefix = "pgha.alert")
public interface DeliveryConfig {
    /** Folder of the persisted outbox; required when any receiver is configured. */
    Optional<String> outboxDir();

    /** Base URLs of every Alertmanager (comma list); each is posted to separately, never through a balancer. */
    Optional<List<String>> alertmanagers();

    /** URLs that receive pgha's generic JSON body per notification (comma list). */
    Optional<List<String>> webhooks();

    /** Base of each alert's {@code generatorURL}; {@code /api/v1/clusters/<cluster>/alerts} is appended. */
    @WithDefault("http://${quarkus.http.host:127.0.0.1}:${quarkus.http.port:8094}")
    String generatorUrl();

    /** How often the evaluator re-sends the alerts that still fire ({@link AlertSink#stillFiring}). */
    @WithDefault("30s")
    Duration resendInterval();

    /** A firing alert is posted with endsAt = now + ends-at-factor x resend-interval (Prometheus uses 4). */
    @WithDefault("4")
    int endsAtFactor();

    /** Back-off between failed attempts to one receiver. */
    BackoffConfig backoff();

    /** How long one post may take (connect and answer). */
    @WithDefault("5s")
    Duration requestTimeout();

    /** The most alerts in one post to an Alertmanager. */
    @WithDefault("500")
    int maxBatch();

    /** {@code pgha.alert.backoff.*}. */
    interface BackoffConfig {
        /** The first wait after a failed attempt; doubles with each failure in a row. */
        @WithDefault("500ms")
        Duration initial();

        /** The longest wait between attempts. */
        @WithDefault("30s")
        Duration max();
    }
}
