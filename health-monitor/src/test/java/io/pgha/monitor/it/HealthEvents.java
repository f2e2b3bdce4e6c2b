package io.pgha.monitor.it;

import io.pgha.events.CloudEventHeaders;
import io.pgha.events.EventCodec;
import io.pgha.events.NodeHealthEvent.NodeHealthObserved;
import io.pgha.events.Topics;
import io.pgha.local.KafkaBroker;
import io.pgha.local.Wait;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;

/** Everything published on pgha.node-health, read in the background by an independent consumer. */
final class HealthEvents implements AutoCloseable {
    private final List<NodeHealthObserved> events = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Thread reader;
    private final EventCodec codec = new EventCodec();

    HealthEvents(String bootstrap) {
        KafkaConsumer<String, byte[]> consumer =
                KafkaBroker.fromBeginning(bootstrap, List.of(Topics.NODE_HEALTH.name()));
        reader = new Thread(
                () -> {
                    try (consumer) {
                        while (running.get()) {
                            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                                Header type = record.headers().lastHeader(CloudEventHeaders.TYPE);
                                NodeHealthObserved event = (NodeHealthObserved)
                                        codec.decode(new String(type.value(), StandardCharsets.UTF_8), record.value());
                                synchronized (events) {
                                    events.add(event);
                                }
                            }
                        }
                    } catch (Exception e) {
                        failure.set(e);
                    }
                },
                "node-health-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Every event read so far, in the order read. */
    List<NodeHealthObserved> all() {
        if (failure.get() != null) {
            throw new IllegalStateException("reading pgha.node-health failed", failure.get());
        }
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** The events about {@code cluster}/{@code member}. */
    List<NodeHealthObserved> of(String cluster, String member) {
        return all().stream()
                .filter(e -> e.cluster().equals(cluster) && e.member().equals(member))
                .toList();
    }

    /** Waits for the first event about {@code cluster}/{@code member} that matches {@code condition}. */
    NodeHealthObserved await(
            Duration timeout, String cluster, String member, String what, Predicate<NodeHealthObserved> condition) {
        AtomicReference<NodeHealthObserved> found = new AtomicReference<>();
        Wait.until(timeout, "an event about " + cluster + "/" + member + " where " + what, () -> {
            for (NodeHealthObserved event : of(cluster, member)) {
                if (condition.test(event)) {
                    found.set(event);
                    return true;
                }
            }
            return false;
        });
        return found.get();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        reader.join(5000);
    }
}
