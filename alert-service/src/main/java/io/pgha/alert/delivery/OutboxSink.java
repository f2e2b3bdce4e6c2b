package io.pgha.alert.delivery;

import io.micrometer.core.instrument.MeterRegistry;
import io.pgha.alert.rules.Alert;
import io.pgha.alert.rules.AlertChange;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The {@link AlertSink} that delivers: every change is persisted in the {@link Outbox} once per
 * receiver before {@link #changed} returns, then handed to that receiver's {@link ReceiverLoop}.
 * Still-firing re-sends go to the Alertmanagers only and are not persisted.
 */
public final class OutboxSink implements AlertSink, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(OutboxSink.class);

    private final DeliverySettings settings;
    private final Outbox outbox;
    private final List<ReceiverLoop> loops;
    /** Fingerprints whose last change was a resolve, with when: a stale re-send must not re-open them. */
    private final Map<String, Instant> resolvedAt = new ConcurrentHashMap<>();

    private OutboxSink(DeliverySettings settings, Outbox outbox, List<ReceiverLoop> loops) {
        this.settings = settings;
        this.outbox = outbox;
        this.loops = loops;
    }

    /** Opens the outbox, loads what is pending and starts one loop per receiver. */
    public static OutboxSink start(DeliverySettings settings, MeterRegistry registry, Clock clock) {
        if (settings.receivers().isEmpty()) {
            LOG.warn("no pgha.alert.alertmanagers or pgha.alert.webhooks: alerts are only published on pgha.alerts");
            return new OutboxSink(settings, null, List.of());
        }
        Outbox outbox = Outbox.open(settings.outboxDir().orElseThrow());
        HttpTransport transport = new HttpTransport(settings.requestTimeout());
        List<ReceiverLoop> loops = new ArrayList<>();
        OutboxSink sink = new OutboxSink(settings, outbox, loops);
        for (Receiver receiver : settings.receivers()) {
            loops.add(new ReceiverLoop(receiver, outbox, transport, settings, sink::resolved, clock, registry));
        }
        loops.forEach(ReceiverLoop::start);
        LOG.infof("delivering alerts to %s, outbox %s", settings.receivers(), outbox.root());
        return sink;
    }

    /** Synchronized: notifications are numbered and persisted in the order the changes were decided. */
    @Override
    public synchronized void changed(List<AlertChange> changes, Instant now) {
        for (AlertChange change : changes) {
            if (change instanceof AlertChange.Resolved) {
                resolvedAt.put(change.alert().fingerprint(), now);
            } else {
                resolvedAt.remove(change.alert().fingerprint());
            }
        }
        for (ReceiverLoop loop : loops) {
            List<Notification> persisted = new ArrayList<>();
            for (AlertChange change : changes) {
                Notification n = Notification.of(
                        change,
                        outbox.nextSeq(),
                        settings.generatorUrl(change.alert().cluster()),
                        now);
                outbox.write(loop.receiver(), n);
                persisted.add(n);
            }
            loop.add(persisted);
        }
    }

    @Override
    public void stillFiring(Collection<Alert> firing, Instant now) {
        resolvedAt.values().removeIf(at -> at.isBefore(now.minus(settings.firingLease())));
        List<Notification> resends = firing.stream()
                .map(alert -> Notification.stillFiring(alert, settings.generatorUrl(alert.cluster()), now))
                .toList();
        for (ReceiverLoop loop : loops) {
            if (loop.receiver().kind() == Receiver.Kind.ALERTMANAGER) {
                loop.resend(resends);
            }
        }
    }

    /** Stops every loop; what is undelivered stays in the outbox for the next start. */
    @Override
    public void close() {
        loops.forEach(ReceiverLoop::stop);
    }

    /** Pending notifications per receiver (for metrics checks and tests). */
    public int pending(Receiver receiver) {
        return loops.stream()
                .filter(l -> l.receiver().equals(receiver))
                .mapToInt(ReceiverLoop::pendingCount)
                .sum();
    }

    private Set<String> resolved() {
        return Set.copyOf(resolvedAt.keySet());
    }
}
