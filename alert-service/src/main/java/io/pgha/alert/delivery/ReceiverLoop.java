package io.pgha.alert.delivery;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Delivers one receiver's notifications on its own thread: decide ({@link Selection}), drop what is
 * superseded, post, then forget what was delivered or wait out the back-off. A receiver that is down
 * holds up only its own loop.
 */
final class ReceiverLoop implements Runnable {
    private static final Logger LOG = Logger.getLogger(ReceiverLoop.class);

    private final Receiver receiver;
    private final Outbox outbox;
    private final HttpTransport transport;
    private final DeliverySettings settings;
    private final Supplier<Set<String>> resolved;
    private final Clock clock;
    private final DeliveryMetrics metrics;

    // guarded by this
    private final Map<Long, Notification> pending = new TreeMap<>();
    private final Map<String, Notification> resends = new LinkedHashMap<>();
    private long version;
    private boolean stopped;
    private int failures;
    private Thread thread;

    ReceiverLoop(
            Receiver receiver,
            Outbox outbox,
            HttpTransport transport,
            DeliverySettings settings,
            Supplier<Set<String>> resolved,
            Clock clock,
            MeterRegistry registry) {
        this.receiver = receiver;
        this.outbox = outbox;
        this.transport = transport;
        this.settings = settings;
        this.resolved = resolved;
        this.clock = clock;
        this.metrics = new DeliveryMetrics(registry, receiver, this::pendingCount, this::oldestPendingSeconds);
    }

    Receiver receiver() {
        return receiver;
    }

    /** Loads what the outbox holds for this receiver and starts the thread. */
    synchronized void start() {
        List<Notification> loaded = outbox.load(receiver);
        loaded.forEach(n -> pending.put(n.seq(), n));
        if (!loaded.isEmpty()) {
            LOG.infof(
                    "%d undelivered notification(s) for %s found in %s", loaded.size(), receiver, outbox.dir(receiver));
        }
        thread = new Thread(this, "alert-delivery-" + receiver.key());
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops the thread; what is not delivered stays in the outbox. */
    void stop() {
        Thread running;
        synchronized (this) {
            stopped = true;
            notifyAll();
            running = thread;
        }
        if (running != null) {
            running.interrupt();
            try {
                running.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** New persisted notifications. */
    synchronized void add(List<Notification> notifications) {
        notifications.forEach(n -> pending.put(n.seq(), n));
        changed();
    }

    /** The current still-firing set, replacing the previous one (Alertmanagers only). */
    synchronized void resend(List<Notification> firing) {
        resends.clear();
        firing.forEach(n -> resends.put(n.fingerprint(), n));
        changed();
    }

    synchronized int pendingCount() {
        return pending.size();
    }

    @Override
    public void run() {
        while (!isStopped()) {
            try {
                step();
            } catch (RuntimeException e) {
                LOG.errorf(e, "alert delivery to %s failed unexpectedly; retrying", receiver);
                pause(settings.backoff().max());
            }
        }
    }

    private void step() {
        long seen;
        Selection.Plan plan;
        synchronized (this) {
            seen = version;
            plan = Selection.plan(
                    List.copyOf(pending.values()),
                    List.copyOf(resends.values()),
                    resolved.get(),
                    receiver.kind() == Receiver.Kind.WEBHOOK ? 1 : settings.maxBatch());
        }
        forget(plan.superseded());
        if (plan.send().isEmpty()) {
            awaitChange(seen);
            return;
        }
        HttpTransport.Result result = transport.post(receiver.target(), body(plan.send()));
        switch (result.outcome()) {
            case DELIVERED -> delivered(plan.send());
            case REJECTED -> rejected(plan.send(), result.detail());
            case RETRY -> failed(result.detail());
        }
    }

    private String body(List<Notification> batch) {
        return receiver.kind() == Receiver.Kind.WEBHOOK
                ? Payloads.webhook(batch.get(0))
                : Payloads.alertmanager(batch, clock.instant(), settings.firingLease());
    }

    private void delivered(List<Notification> sent) {
        if (failures > 0) {
            LOG.infof("%s takes notifications again after %d failed attempt(s)", receiver, failures);
        }
        failures = 0;
        forget(sent);
        metrics.delivered(sent.size());
    }

    private void rejected(List<Notification> sent, String detail) {
        LOG.errorf(
                "%s refused %d notification(s) (%s): dropped, not retried; fingerprints %s",
                receiver,
                sent.size(),
                detail,
                sent.stream().map(Notification::fingerprint).toList());
        failures = 0;
        forget(sent);
        metrics.rejected(sent.size());
    }

    private void failed(String detail) {
        failures++;
        metrics.failedAttempt();
        Duration wait = settings.backoff().delay(failures);
        if (failures == 1 || Integer.bitCount(failures) == 1) {
            LOG.warnf(
                    "%s unreachable (%s), attempt %d; %d notification(s) kept in the outbox, next try in %d ms",
                    receiver, detail, failures, pendingCount(), wait.toMillis());
        }
        pause(wait);
    }

    /** Removes delivered, refused or superseded notifications from memory, disk and the re-send set. */
    private void forget(List<Notification> done) {
        for (Notification n : done) {
            if (n.persisted()) {
                outbox.delete(receiver, n);
            }
        }
        synchronized (this) {
            for (Notification n : done) {
                if (n.persisted()) {
                    pending.remove(n.seq());
                } else {
                    resends.remove(n.fingerprint(), n);
                }
            }
        }
    }

    private synchronized void changed() {
        version++;
        notifyAll();
    }

    private synchronized boolean isStopped() {
        return stopped;
    }

    private synchronized void awaitChange(long seen) {
        while (!stopped && version == seen) {
            try {
                wait();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Waits {@code wait} unless stopped (new work does not cut a back-off short). */
    private synchronized void pause(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        long left;
        while (!stopped && (left = deadline - System.nanoTime()) > 0) {
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized double oldestPendingSeconds() {
        Instant now = clock.instant();
        return pending.values().stream()
                .map(Notification::createdAt)
                .min(Instant::compareTo)
                .map(oldest -> Duration.between(oldest, now).toMillis() / 1000.0)
                .orElse(0.0);
    }

    /** For tests and logs: what is pending, oldest first. */
    synchronized List<Notification> pending() {
        return new ArrayList<>(pending.values());
    }
}
