package io.pgha.coordinator.api;

import io.pgha.coordinator.facts.OpsFactsConsumer;
import io.pgha.coordinator.run.Coordinator;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The status page's live feed: one etcd watch, open only while some page listens, and per cluster one
 * read of its keys for every burst of changes ({@link #DEBOUNCE}), whatever the number of listeners —
 * browsers never poll. A frame goes out only when its text changed ({@link StatusFrame}); a new
 * listener gets the current frame at once. A change of a cluster's backup or alert facts ({@link
 * OpsFactsConsumer}) sends a frame too.
 */
@ApplicationScoped
public class StatusStream {
    private static final Logger LOG = Logger.getLogger(StatusStream.class);
    /** Changes closer together than this are sent as one frame (agents write their keys every loop). */
    static final Duration DEBOUNCE = Duration.ofMillis(100);

    @Inject
    Coordinator coordinator;

    /** The last backup, drill and the alerts firing, from pgha.backup and pgha.alerts. */
    @Inject
    OpsFactsConsumer facts;

    private boolean listeningToFacts;

    private final Map<String, Set<MultiEmitter<? super String>>> listeners = new ConcurrentHashMap<>();
    private final Map<String, String> lastFrame = new ConcurrentHashMap<>();
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "status-stream");
        t.setDaemon(true);
        return t;
    });
    private AutoCloseable watch;

    /** The frames of {@code cluster}: the current one at once, then each change. */
    Multi<String> frames(String cluster) {
        return Multi.createFrom().emitter(emitter -> {
            listen(cluster, emitter);
            emitter.onTermination(() -> forget(cluster, emitter));
            sender.execute(() -> send(cluster, List.of(emitter), true));
        });
    }

    private synchronized void listen(String cluster, MultiEmitter<? super String> emitter) {
        listeners.computeIfAbsent(cluster, c -> new CopyOnWriteArraySet<>()).add(emitter);
        if (!listeningToFacts) {
            facts.listen(c -> changed(c, "facts"));
            listeningToFacts = true;
        }
        if (watch == null) {
            watch = coordinator.store().watch(this::changed, () -> LOG.debug("status stream: etcd watch error"));
        }
    }

    private synchronized void forget(String cluster, MultiEmitter<? super String> emitter) {
        Set<MultiEmitter<? super String>> set = listeners.get(cluster);
        if (set != null) {
            set.remove(emitter);
            if (set.isEmpty()) {
                listeners.remove(cluster);
                lastFrame.remove(cluster);
            }
        }
        if (listeners.isEmpty() && watch != null) {
            close(watch);
            watch = null;
        }
    }

    private void changed(String cluster, String key) {
        if (listeners.containsKey(cluster) && pending.add(cluster)) {
            sender.schedule(
                    () -> {
                        pending.remove(cluster);
                        Set<MultiEmitter<? super String>> set = listeners.get(cluster);
                        if (set != null) {
                            send(cluster, List.copyOf(set), false);
                        }
                    },
                    DEBOUNCE.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Reads the cluster once and sends its frame to {@code to}; unchanged frames only when forced. */
    private void send(String cluster, List<MultiEmitter<? super String>> to, boolean force) {
        String frame;
        try {
            frame = StatusFrame.of(
                    cluster,
                    coordinator.store().read(cluster),
                    coordinator.store().coordinatorOf(cluster),
                    facts.of(cluster));
        } catch (RuntimeException e) {
            LOG.debugf("status stream: %s not read: %s", cluster, e.getMessage());
            return; // etcd unreachable for a moment: the next change (or reconnect) sends the frame
        }
        String previous = lastFrame.put(cluster, frame);
        if (!force && frame.equals(previous)) {
            return;
        }
        for (MultiEmitter<? super String> emitter : to) {
            if (!emitter.isCancelled()) {
                emitter.emit(frame);
            }
        }
    }

    @PreDestroy
    synchronized void stop() {
        if (watch != null) {
            close(watch);
            watch = null;
        }
        listeners.values().forEach(set -> set.forEach(MultiEmitter::complete));
        listeners.clear();
        sender.shutdownNow();
    }

    private static void close(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.debugf("status stream: closing the watch: %s", e.getMessage());
        }
    }
}
