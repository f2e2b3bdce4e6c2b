package io.pgha.alert.engine;

import io.pgha.alert.delivery.AlertSink;
import io.pgha.alert.rules.Alert;
import io.pgha.alert.rules.AlertChange;
import io.pgha.alert.rules.AlertRules;
import io.pgha.alert.rules.AlertState;
import io.pgha.alert.rules.StateUpdate;
import io.pgha.events.AlertEvent;
import io.pgha.events.PghaEvent;
import io.pgha.messaging.EventPublisher;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * The alert state of every cluster and what is done with it. Events are folded with {@link
 * StateUpdate#apply}; once caught up, each fold and each timer tick evaluates with {@link
 * AlertRules#evaluate}, and the changes are published on pgha.alerts and handed to the {@link
 * AlertSink}. After an assignment the engine only folds (a replay) until every partition was read to
 * where it ended, then decides once with {@link Recovery#decide} against the alerts announced before.
 * One lock: the consumer thread and the timer never interleave inside.
 */
public final class AlertEngine {
    private static final Logger LOG = Logger.getLogger(AlertEngine.class);

    private final AlertSettings settings;
    private final AlertSink sink;
    private final EventPublisher publisher;
    private final EngineMetrics metrics;

    private final Map<String, AlertState> states = new TreeMap<>();
    /** While replaying: per cluster, the alerts announced and not resolved (read back from pgha.alerts). */
    private Map<String, Map<String, Alert>> announced = new HashMap<>();

    private CatchUp catchUp;
    private volatile boolean replaying = true;
    private Instant replayStartedAt;

    public AlertEngine(AlertSettings settings, AlertSink sink, EventPublisher publisher, EngineMetrics metrics) {
        this.settings = settings;
        this.sink = sink;
        this.publisher = publisher;
        this.metrics = metrics;
        metrics.watchReplay(() -> replaying);
    }

    public EngineMetrics metrics() {
        return metrics;
    }

    /** True until the first replay has caught up (and during any later one). */
    public boolean replaying() {
        return replaying;
    }

    /**
     * Partitions were assigned and placed at their replay start; {@code plan} says how far to read.
     * The facts are rebuilt from scratch; the alerts active so far count as announced.
     */
    public synchronized void replayFrom(CatchUp plan, Instant now) {
        announced = new HashMap<>();
        states.forEach((cluster, state) -> announced.put(cluster, new HashMap<>(state.active())));
        states.clear();
        catchUp = plan;
        replaying = true;
        replayStartedAt = now;
        LOG.infof(
                "replaying: %d partitions to read up to their end before the first evaluation %s",
                plan.remaining().size(), plan.remaining());
        finishReplayIfDone(now);
    }

    /** Folds one event; evaluates its cluster at once unless replaying. */
    public synchronized void fold(PghaEvent event, String topic, Instant now) {
        if (event instanceof AlertEvent alert) {
            if (replaying) {
                announced.put(
                        alert.cluster(), Announced.fold(announced.getOrDefault(alert.cluster(), Map.of()), alert));
            }
            return; // our own output (or another replica's): no rule reads it
        }
        String cluster = event.cluster();
        AlertState before = states.getOrDefault(cluster, AlertState.empty(cluster, now));
        states.put(cluster, StateUpdate.apply(before, event, now));
        metrics.folded(topic);
        if (!replaying) {
            evaluate(cluster, now);
        }
    }

    /** The record at {@code offset} of {@code partition} was handled (folded or dead-lettered). */
    public synchronized void handled(TopicPartition partition, long offset, Instant now) {
        if (replaying && catchUp != null) {
            catchUp = catchUp.handled(partition, offset);
            finishReplayIfDone(now);
        }
    }

    /** The cluster was deleted (a tombstone on pgha.topology): its alerts resolve, its facts go. */
    public synchronized void forget(String cluster, Instant now) {
        AlertState state = states.remove(cluster);
        if (replaying || state == null) {
            return;
        }
        List<AlertChange> changes = new ArrayList<>();
        new TreeMap<>(state.active()).values().forEach(a -> changes.add(new AlertChange.Resolved(a, now)));
        announce(changes, now);
        metrics.firing(cluster, List.of());
        LOG.infof("cluster %s deleted: %d alerts resolved", cluster, changes.size());
    }

    /** The timer: evaluates every cluster at {@code now} (time-based rules). */
    public synchronized void tick(Instant now) {
        if (!replaying) {
            new ArrayList<>(states.keySet()).forEach(cluster -> evaluate(cluster, now));
        }
    }

    /** Hands every firing alert to the sink again. */
    public synchronized void resend(Instant now) {
        if (!replaying) {
            sink.stillFiring(allActive(), now);
        }
    }

    /** The clusters seen, sorted. */
    public synchronized List<String> clusters() {
        return List.copyOf(states.keySet());
    }

    /** The state of {@code cluster} (immutable: its facts and active alerts), when it is known. */
    public synchronized Optional<AlertState> state(String cluster) {
        return Optional.ofNullable(states.get(cluster));
    }

    private void evaluate(String cluster, Instant now) {
        long start = System.nanoTime();
        MDC.put("cluster", cluster);
        try {
            AlertState state = states.get(cluster);
            List<AlertChange> changes = AlertRules.evaluate(state, settings.thresholds(), now);
            if (!changes.isEmpty()) {
                AlertState next = state.withChanges(changes);
                states.put(cluster, next);
                announce(changes, now);
                metrics.firing(cluster, next.active().values());
            }
        } finally {
            MDC.remove("cluster");
            metrics.evaluated(Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private void finishReplayIfDone(Instant now) {
        if (!catchUp.done()) {
            return;
        }
        replaying = false;
        TreeSet<String> clusters = new TreeSet<>(states.keySet());
        clusters.addAll(announced.keySet());
        int reannounced = 0;
        int changed = 0;
        for (String cluster : clusters) {
            Recovery recovery = recover(cluster, now);
            reannounced += recovery.reannounced().size();
            changed += recovery.changes().size();
        }
        announced = new HashMap<>();
        sink.stillFiring(allActive(), now);
        LOG.infof(
                "caught up after %d ms: %d clusters, %d alerts still firing re-announced, %d fired or resolved",
                Duration.between(replayStartedAt, now).toMillis(), states.size(), reannounced, changed);
    }

    /**
     * Decides one cluster after a replay. A cluster with announced alerts but no facts (deleted, or
     * seen by no topic in the window) has them resolved and is not kept.
     */
    private Recovery recover(String cluster, Instant now) {
        AlertState state = states.get(cluster);
        List<Alert> firing = state == null ? List.of() : AlertRules.firing(state, settings.thresholds(), now);
        Recovery recovery = Recovery.decide(announced.getOrDefault(cluster, Map.of()), firing, now);
        if (state != null) {
            List<AlertChange> asFired = recovery.active().values().stream()
                    .map(a -> (AlertChange) new AlertChange.Fired(a))
                    .toList();
            states.put(cluster, state.withChanges(asFired));
        }
        recovery.reannounced().forEach(a -> publish(new AlertChange.Fired(a).toEvent(now)));
        announce(recovery.changes(), now);
        metrics.firing(cluster, recovery.active().values());
        return recovery;
    }

    /** Publishes each change on pgha.alerts and hands them to the sink. */
    private void announce(List<AlertChange> changes, Instant now) {
        if (changes.isEmpty()) {
            return;
        }
        changes.forEach(change -> publish(change.toEvent(now)));
        try {
            sink.changed(changes, now);
        } catch (RuntimeException e) {
            LOG.errorf(
                    e,
                    "the alert sink refused %d changes; they are on pgha.alerts but may not be delivered",
                    changes.size());
        }
    }

    private void publish(AlertEvent event) {
        publisher.publish(event).whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.warnf(
                        "could not publish %s %s of cluster %s on pgha.alerts: %s",
                        event.getClass().getSimpleName(), event.alert(), event.cluster(), failure.getMessage());
            }
        });
    }

    private List<Alert> allActive() {
        List<Alert> all = new ArrayList<>();
        states.values().forEach(s -> all.addAll(new TreeMap<>(s.active()).values()));
        return all;
    }

    /** For tests: every cluster's active alerts. */
    synchronized Collection<Alert> firing() {
        return allActive();
    }
}
