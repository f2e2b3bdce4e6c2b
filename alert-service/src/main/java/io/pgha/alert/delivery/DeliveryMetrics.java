package io.pgha.alert.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/** One receiver's meters, tagged {@code receiver=<url>} and {@code kind}. */
final class DeliveryMetrics {
    private final Counter delivered;
    private final Counter failedAttempts;
    private final Counter rejected;

    DeliveryMetrics(MeterRegistry registry, Receiver receiver, Supplier<Integer> pending, Supplier<Double> oldestAge) {
        String url = receiver.shown();
        String kind = receiver.kind().name().toLowerCase(java.util.Locale.ROOT);
        Gauge.builder("pgha_alert_delivery_pending", pending, p -> p.get())
                .description("Notifications persisted for this receiver and not delivered yet")
                .tags("receiver", url, "kind", kind)
                .strongReference(true) // a method reference nobody else holds: a weak one would read NaN
                .register(registry);
        Gauge.builder("pgha_alert_delivery_oldest_pending_seconds", oldestAge, a -> a.get())
                .description("Age of the oldest undelivered notification (0 when none)")
                .tags("receiver", url, "kind", kind)
                .strongReference(true)
                .register(registry);
        delivered = Counter.builder("pgha_alert_delivery_delivered")
                .description("Notifications the receiver accepted (re-sends included)")
                .tags("receiver", url, "kind", kind)
                .register(registry);
        failedAttempts = Counter.builder("pgha_alert_delivery_failed_attempts")
                .description("Posts that failed and will be retried")
                .tags("receiver", url, "kind", kind)
                .register(registry);
        rejected = Counter.builder("pgha_alert_delivery_rejected")
                .description("Notifications the receiver refused with a 4xx (dropped, not retried)")
                .tags("receiver", url, "kind", kind)
                .register(registry);
    }

    void delivered(int count) {
        delivered.increment(count);
    }

    void failedAttempt() {
        failedAttempts.increment();
    }

    void rejected(int count) {
        rejected.increment(count);
    }
}
