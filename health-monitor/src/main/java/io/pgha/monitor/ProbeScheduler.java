package io.pgha.monitor;

import io.pgha.core.SecretSetting;
import io.pgha.events.NodeHealthEvent.NodeHealthObserved;
import io.pgha.events.TopologyEvent.Member;
import io.pgha.events.TopologyEvent.TopologyChanged;
import io.pgha.messaging.EventPublisher;
import io.pgha.messaging.KafkaEventPublisher;
import io.pgha.monitor.decide.Backoff;
import io.pgha.monitor.decide.LagCalculator;
import io.pgha.monitor.decide.Observations;
import io.pgha.monitor.decide.ProbeResult;
import io.pgha.monitor.decide.PublishPolicy;
import io.pgha.monitor.decide.TimingRules;
import io.pgha.monitor.probe.MemberProber;
import io.pgha.monitor.probe.Target;
import io.pgha.monitor.topology.TopologyStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Probes every member of every cluster this instance holds, one round per cluster every
 * probe-interval (rounds of different clusters are spread over the interval), then decides per
 * member what to publish. Rounds of one cluster never overlap: a round still running when the next
 * is due makes that one skip.
 */
@ApplicationScoped
public class ProbeScheduler {
    private static final Logger LOG = Logger.getLogger(ProbeScheduler.class);

    private final ConcurrentMap<String, ClusterLoop> loops = new ConcurrentHashMap<>();

    @Inject
    Vertx vertx;

    @Inject
    MonitorConfig config;

    @Inject
    TopologyStore store;

    @Inject
    MemberProber prober;

    @Inject
    EventPublisher publisher;

    @Inject
    KafkaEventPublisher kafkaPublisher;

    @Inject
    MemberMetrics metrics;

    @Inject
    Clock clock;

    private String observer;
    private volatile boolean stopping;
    /** The monitoring password (a file is followed: rotation without a restart); null: none. */
    private Supplier<String> password;
    /** Per-cluster passwords ({@code clusters."<c>".password} or {@code password-file}). */
    private Map<String, Supplier<String>> clusterPasswords = Map.of();

    void onStart(@Observes StartupEvent start) {
        List<String> problems = new ArrayList<>(TimingRules.problems(
                config.probeInterval(),
                config.connectTimeout(),
                config.statementTimeout(),
                config.heartbeatInterval(),
                config.authBackoffInitial(),
                config.authBackoffMax()));
        problems.addAll(TimingRules.retentionProblems(config.departedMemberRetention()));
        if (!problems.isEmpty()) {
            throw new IllegalStateException(
                    "health-monitor: invalid timing settings:\n  " + String.join("\n  ", problems));
        }
        password = SecretSetting.following("pgha.health-monitor.password", config.password(), config.passwordFile())
                .orElse(null);
        Map<String, Supplier<String>> own = new HashMap<>();
        config.clusters().forEach((cluster, credentials) -> SecretSetting.following(
                        "pgha.health-monitor.clusters.\"" + cluster + "\".password",
                        credentials.password(),
                        credentials.passwordFile())
                .ifPresent(secret -> own.put(cluster, secret)));
        clusterPasswords = Map.copyOf(own);
        io.pgha.monitor.probe.ProbeTls.check(config.postgresCaFile());
        observer = config.observer().orElseGet(() -> kafkaPublisher.source().instance());
        LOG.infof(
                "health-monitor %s: probing every %d ms, heartbeat every %d ms",
                observer,
                config.probeInterval().toMillis(),
                config.heartbeatInterval().toMillis());
        store.onChange(this::reconcile);
        reconcile();
    }

    void onStop(@Observes ShutdownEvent stop) {
        stopping = true;
        List.copyOf(loops.keySet()).forEach(cluster -> {
            ClusterLoop loop = loops.remove(cluster);
            if (loop != null) {
                loop.stop();
            }
        });
    }

    /** The name this instance puts in {@code observer}. */
    public String observer() {
        return observer;
    }

    /** The clusters probed here. */
    public List<String> clusters() {
        return loops.keySet().stream().sorted().toList();
    }

    /** The latest view of {@code cluster}, when probed here. */
    public Optional<ClusterSnapshot> snapshot(String cluster) {
        ClusterLoop loop = loops.get(cluster);
        return loop == null ? Optional.empty() : Optional.of(loop.snapshot);
    }

    /**
     * The latest view of one cluster.
     *
     * @param topology the topology it was probed by
     * @param nodes per member, in the topology's order
     */
    public record ClusterSnapshot(TopologyChanged topology, Map<String, NodeState> nodes) {}

    /**
     * The latest about one member.
     *
     * @param target where it is probed
     * @param result the latest probe result (null before the first)
     * @param health the latest observation, lag included (null before the first)
     * @param nextProbeAt when it is probed next while backing off, else null
     */
    public record NodeState(Target target, ProbeResult result, NodeHealthObserved health, Instant nextProbeAt) {}

    private synchronized void reconcile() {
        if (stopping) {
            return;
        }
        Map<String, TopologyChanged> clusters = store.clusters();
        for (String cluster : clusters.keySet()) {
            loops.computeIfAbsent(cluster, c -> {
                ClusterLoop loop = new ClusterLoop(c);
                loop.start();
                return loop;
            });
        }
        for (String cluster : List.copyOf(loops.keySet())) {
            if (!clusters.containsKey(cluster)) {
                ClusterLoop loop = loops.remove(cluster);
                if (loop != null) {
                    loop.stop();
                }
            }
        }
    }

    Target target(String cluster, Member member) {
        Optional<MonitorConfig.ClusterCredentials> own =
                Optional.ofNullable(config.clusters().get(cluster));
        String user = own.flatMap(MonitorConfig.ClusterCredentials::user).orElse(config.user());
        Supplier<String> secret = clusterPasswords.getOrDefault(cluster, password);
        return new Target(
                cluster,
                member.name(),
                member.host(),
                member.port(),
                config.database(),
                user,
                secret == null ? null : secret.get());
    }

    /** The probe rounds of one cluster. */
    private final class ClusterLoop {
        private final String cluster;
        private final Map<String, MemberState> members = new HashMap<>();
        private volatile ClusterSnapshot snapshot;
        private volatile boolean stopped;
        private long timer = -1;
        private boolean inFlight;

        ClusterLoop(String cluster) {
            this.cluster = cluster;
            this.snapshot = new ClusterSnapshot(store.cluster(cluster).orElse(null), Map.of());
        }

        /**
         * Starts the rounds on an event loop of their own (round robin over Vert.x's event loops), so
         * that the clusters' probes, their connections included, are spread over all of them.
         */
        void start() {
            long interval = config.probeInterval().toMillis();
            long offset = 1 + ThreadLocalRandom.current().nextLong(interval);
            Context context = ((VertxInternal) vertx).createEventLoopContext();
            context.runOnContext(v -> {
                synchronized (this) {
                    if (!stopped) {
                        timer = vertx.setPeriodic(offset, interval, id -> round());
                    }
                }
            });
            LOG.infof("cluster %s: probing its members from now on", cluster);
        }

        synchronized void stop() {
            stopped = true;
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
            members.forEach((name, state) -> {
                prober.release(state.target);
                metrics.remove(cluster, name);
            });
            members.clear();
            // and the members that had left: another instance (or none, for a cluster that is gone) owns them now
            metrics.forgetDeparted(cluster, Instant.MAX);
            LOG.infof("cluster %s: no longer probed by this instance", cluster);
        }

        private synchronized void round() {
            if (stopped || inFlight) {
                return;
            }
            Optional<TopologyChanged> current = store.cluster(cluster);
            if (current.isEmpty()) {
                return;
            }
            TopologyChanged topology = current.get();
            Instant now = clock.instant();
            syncMembers(topology, now);
            metrics.forgetDeparted(cluster, now.minus(config.departedMemberRetention()));
            List<Future<ProbeResult>> probes = new ArrayList<>();
            for (MemberState state : members.values()) {
                if (!state.backoff.due(now)) {
                    continue;
                }
                Target target = state.target;
                probes.add(prober.probe(target).onSuccess(result -> {
                    if (result != null) {
                        probed(state, target, result);
                    }
                }));
            }
            if (probes.isEmpty()) {
                finish(topology);
                return;
            }
            inFlight = true;
            Future.join(probes).onComplete(done -> finish(topology));
        }

        private synchronized void probed(MemberState state, Target target, ProbeResult result) {
            if (stopped || state.target != target) {
                return;
            }
            Backoff before = state.backoff;
            state.result = result;
            state.backoff = before.after(
                    result.reachable() ? null : result.errorClass(),
                    result.observedAt(),
                    config.authBackoffInitial(),
                    config.authBackoffMax());
            metrics.probed(result);
            if (state.backoff.active() && !before.active()) {
                withMdc(
                        target.member(),
                        () -> LOG.warnf(
                                "probing %s failed with %s (%s): a configuration or capacity problem, probing it no"
                                        + " more often than every %d s until it is fixed",
                                target,
                                result.errorClass(),
                                result.error(),
                                config.authBackoffInitial().toSeconds()));
            }
        }

        private void syncMembers(TopologyChanged topology, Instant now) {
            Map<String, Member> wanted = new LinkedHashMap<>();
            topology.members().forEach(m -> wanted.put(m.name(), m));
            for (String name : List.copyOf(members.keySet())) {
                if (!wanted.containsKey(name)) {
                    MemberState gone = members.remove(name);
                    prober.release(gone.target);
                    metrics.departed(cluster, name, now);
                }
            }
            wanted.forEach((name, member) -> {
                Target target = target(cluster, member);
                MemberState state = members.get(name);
                if (state == null) {
                    members.put(name, new MemberState(target));
                } else if (!state.target.equals(target)) {
                    prober.release(state.target);
                    members.put(name, new MemberState(target));
                }
            });
        }

        private synchronized void finish(TopologyChanged topology) {
            inFlight = false;
            if (stopped) {
                return;
            }
            Instant now = clock.instant();
            Map<String, ProbeResult> results = new HashMap<>();
            members.forEach((name, state) -> {
                if (state.result != null) {
                    results.put(name, state.result);
                }
            });
            Map<String, Long> lags = LagCalculator.lags(topology.leader(), results);
            Map<String, NodeState> nodes = new LinkedHashMap<>();
            for (Member member : topology.members()) {
                MemberState state = members.get(member.name());
                if (state == null || state.result == null) {
                    continue;
                }
                NodeHealthObserved event =
                        Observations.event(cluster, member.name(), observer, state.result, lags.get(member.name()));
                metrics.observed(event);
                nodes.put(
                        member.name(),
                        new NodeState(
                                state.target,
                                state.result,
                                event,
                                state.backoff.active() ? state.backoff.nextAttempt() : null));
                Optional<PublishPolicy.Reason> reason = PublishPolicy.decide(
                        state.published, state.publishedAt, event, now, config.heartbeatInterval());
                if (reason.isPresent()) {
                    publish(event, reason.get());
                    state.published = event;
                    state.publishedAt = now;
                }
            }
            snapshot = new ClusterSnapshot(topology, nodes);
        }

        private void publish(NodeHealthObserved event, PublishPolicy.Reason reason) {
            if (reason != PublishPolicy.Reason.HEARTBEAT) {
                withMdc(
                        event.member(),
                        () -> LOG.infof(
                                "%s/%s: %s (%s)",
                                cluster,
                                event.member(),
                                event.reachable()
                                        ? event.role().name().toLowerCase() + " on timeline " + event.timeline()
                                        : "unreachable, " + event.errorClass() + ": " + event.error(),
                                reason));
            }
            publisher.publish(event).exceptionally(failure -> {
                LOG.debugf("publishing %s failed: %s", event.key(), failure.getMessage());
                return null;
            });
        }

        private void withMdc(String member, Runnable log) {
            MDC.put("cluster", cluster);
            MDC.put("member", member);
            try {
                log.run();
            } finally {
                MDC.remove("cluster");
                MDC.remove("member");
            }
        }
    }

    /** What a loop keeps about one member between rounds. */
    private static final class MemberState {
        private final Target target;
        private ProbeResult result;
        private Backoff backoff = Backoff.NONE;
        private NodeHealthObserved published;
        private Instant publishedAt = Instant.EPOCH;

        MemberState(Target target) {
            this.target = target;
        }
    }
}
