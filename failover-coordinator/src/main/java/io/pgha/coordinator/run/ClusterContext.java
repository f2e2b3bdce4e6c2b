package io.pgha.coordinator.run;

import io.pgha.coordinator.agent.Agents;
import io.pgha.coordinator.config.CoordinatorConfig;
import io.pgha.coordinator.etcd.CoordinatorStore;
import io.pgha.events.PghaEvent;
import io.pgha.messaging.EventPublisher;
import java.time.Clock;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * What the executors of one cluster share: its name, the side-effect interfaces, the clocks, and this
 * replica's leadership of it (the election key's create revision, 0 when it does not lead).
 */
final class ClusterContext {
    private static final Logger LOG = Logger.getLogger(ClusterContext.class);

    final String cluster;
    final String me;
    final CoordinatorStore store;
    final Agents agents;
    final HealthView health;
    final CoordinatorConfig.Coordinator settings;
    final Clock clock;
    private final EventPublisher events;
    private final LongSupplier nanoTime;
    private final Semaphore wake = new Semaphore(0);
    private volatile long electionRevision;
    private volatile boolean running = true;
    /** When a step asked to run again sooner than the tick (monotonic nanos; 0: not asked). */
    private volatile long dueNanos;

    ClusterContext(
            String cluster,
            String me,
            CoordinatorStore store,
            Agents agents,
            HealthView health,
            EventPublisher events,
            CoordinatorConfig.Coordinator settings,
            Clock clock,
            LongSupplier nanoTime) {
        this.cluster = cluster;
        this.me = me;
        this.store = store;
        this.agents = agents;
        this.health = health;
        this.events = events;
        this.settings = settings;
        this.clock = clock;
        this.nanoTime = nanoTime;
    }

    long nanos() {
        return nanoTime.getAsLong();
    }

    long electionRevision() {
        return electionRevision;
    }

    boolean leads() {
        return electionRevision != 0;
    }

    void won(long revision) {
        electionRevision = revision;
    }

    /** Stops acting for the cluster (logged once). */
    void lose(String why) {
        if (electionRevision != 0) {
            electionRevision = 0;
            LOG.warnf("this replica (%s) no longer leads %s: %s", me, cluster, why);
        }
    }

    /** Hands back the election revision, once (0 when there is none). */
    long resignRevision() {
        long revision = electionRevision;
        electionRevision = 0;
        return revision;
    }

    boolean running() {
        return running;
    }

    void stopRunning() {
        running = false;
    }

    void wake() {
        wake.release();
    }

    /** Asks the loop to run again {@code in} from now at the latest (sooner than the tick, when it is). */
    void runAgainIn(java.time.Duration in) {
        long at = nanos() + Math.max(0, in.toNanos());
        long due = dueNanos;
        if (due == 0 || at - due < 0) {
            dueNanos = at;
        }
    }

    /** How long the loop sleeps now: the tick, or less when a step asked to run again sooner. */
    long pauseMillis(long tickMillis) {
        long due = dueNanos;
        dueNanos = 0;
        if (due == 0) {
            return tickMillis;
        }
        long left = TimeUnit.NANOSECONDS.toMillis(due - nanos());
        return Math.max(1, Math.min(tickMillis, left));
    }

    /** Waits up to {@code millis} or until woken ({@code drain}: one wake-up for all changes meanwhile). */
    boolean sleep(long millis, boolean drain) {
        try {
            wake.tryAcquire(millis, TimeUnit.MILLISECONDS);
            if (drain) {
                wake.drainPermits();
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Publishes a fact; a failure is logged (events are facts, never orders). */
    void publish(PghaEvent event) {
        events.publish(event).exceptionally(e -> {
            LOG.debugf("event %s not published: %s", event.getClass().getSimpleName(), e.getMessage());
            return null;
        });
    }

    /** The raw publisher, for a caller that acts on the broker's acknowledgement. */
    EventPublisher events() {
        return events;
    }
}
