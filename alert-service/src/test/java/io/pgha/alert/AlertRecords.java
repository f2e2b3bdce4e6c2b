package io.pgha.alert;

import io.pgha.events.AlertEvent;
import io.pgha.events.CloudEventHeaders;
import io.pgha.events.EventCodec;
import io.pgha.events.Topics;
import io.pgha.local.KafkaBroker;
import io.pgha.local.Wait;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;

/** Everything published on pgha.alerts, read in the background, each with when this test saw it. */
final class AlertRecords implements AutoCloseable {
    /** One alert event and the wall-clock time the reader got it. */
    record Seen(AlertEvent event, Instant readAt) {}

    private final List<Seen> seen = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Thread reader;
    private final EventCodec codec = new EventCodec();

    AlertRecords(String bootstrap) {
        KafkaConsumer<String, byte[]> consumer = KafkaBroker.fromBeginning(bootstrap, List.of(Topics.ALERTS.name()));
        reader = new Thread(
                () -> {
                    try (consumer) {
                        while (running.get()) {
                            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                                Header type = record.headers().lastHeader(CloudEventHeaders.TYPE);
                                AlertEvent event = (AlertEvent)
                                        codec.decode(new String(type.value(), StandardCharsets.UTF_8), record.value());
                                synchronized (seen) {
                                    seen.add(new Seen(event, Instant.now()));
                                }
                            }
                        }
                    } catch (Exception e) {
                        failure.set(e);
                    }
                },
                "pgha-alerts-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Every alert event read so far, in order. */
    List<Seen> all() {
        if (failure.get() != null) {
            throw new IllegalStateException("reading pgha.alerts failed", failure.get());
        }
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    /** Waits up to {@code timeout} for an event of {@code cluster} that matches; returns the first. */
    Seen await(Duration timeout, String cluster, String what, Predicate<AlertEvent> condition) {
        AtomicReference<Seen> found = new AtomicReference<>();
        Wait.until(timeout, "on pgha.alerts for cluster " + cluster + ": " + what, () -> {
            for (Seen s : all()) {
                if (s.event().cluster().equals(cluster) && condition.test(s.event())) {
                    found.set(s);
                    return true;
                }
            }
            return false;
        });
        return found.get();
    }

    /** The events of {@code cluster} that match. */
    List<AlertEvent> of(String cluster, Predicate<AlertEvent> condition) {
        return all().stream()
                .map(Seen::event)
                .filter(e -> e.cluster().equals(cluster) && condition.test(e))
                .toList();
    }

    /** A fired {@code alert} (by name). */
    static Predicate<AlertEvent> fired(String alert) {
        return e -> e instanceof AlertEvent.AlertFired f && f.alert().equals(alert);
    }

    /** A resolve of {@code fingerprint}. */
    static Predicate<AlertEvent> resolved(String fingerprint) {
        return e -> e instanceof AlertEvent.AlertResolved r && r.fingerprint().equals(fingerprint);
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        reader.join(5000);
    }
}
