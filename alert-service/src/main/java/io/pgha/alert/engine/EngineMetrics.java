package io.pgha.alert.engine;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pgha.alert.rules.Alert;
import io.pgha.events.AlertEvent.Severity;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/** alert-service's own metrics: firing alerts, events folded, evaluation time, dead letters, replay. */
public final class EngineMetrics {
    private final MeterRegistry registry;
    private final Timer evaluation;
    private final Map<String, AtomicInteger> firing = new ConcurrentHashMap<>();

    public EngineMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.evaluation = Timer.builder("pgha_alert_evaluation")
                .description("Time to evaluate the rules of one cluster and hand over the changes")
                .register(registry);
    }

    /** Shows {@code replaying} as a gauge: 1 while the state is rebuilt from the topics. */
    public void watchReplay(BooleanSupplier replaying) {
        Gauge.builder("pgha_alert_replaying", () -> replaying.getAsBoolean() ? 1 : 0)
                .description("1 while the state is being rebuilt from the topics (no evaluation yet)")
                .register(registry);
    }

    /** One event of {@code topic} was folded into the state. */
    public void folded(String topic) {
        Counter.builder("pgha_alert_events_folded")
                .description("Events folded into the alert state, by topic")
                .tag("topic", String.valueOf(topic))
                .register(registry)
                .increment();
    }

    /** A record of {@code topic} went to its dead-letter topic. */
    public void deadLettered(String topic, String reason) {
        Counter.builder("pgha_alert_dead_lettered")
                .description("Records sent to <topic>.dlq, by topic")
                .tag("topic", String.valueOf(topic))
                .register(registry)
                .increment();
    }

    /** An evaluation took {@code took}. */
    public void evaluated(Duration took) {
        evaluation.record(took);
    }

    /** The alerts of {@code cluster} firing now (replaces what was counted for it). */
    public void firing(String cluster, Collection<Alert> active) {
        for (Severity severity : Severity.values()) {
            long count = active.stream().filter(a -> a.severity() == severity).count();
            gauge(cluster, severity).set((int) count);
        }
    }

    private AtomicInteger gauge(String cluster, Severity severity) {
        String severityName = severity.name().toLowerCase(Locale.ROOT);
        return firing.computeIfAbsent(cluster + "\n" + severityName, key -> {
            AtomicInteger value = new AtomicInteger();
            Gauge.builder("pgha_alert_firing", value, AtomicInteger::get)
                    .description("Alerts firing now, by cluster and severity")
                    .tag("cluster", cluster)
                    .tag("severity", severityName)
                    .register(registry);
            return value;
        });
    }
}
