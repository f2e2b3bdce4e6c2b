package io.pgha.renderer.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.pgha.core.store.RouterReport;
import io.pgha.events.TopologyEvent.Member;
import io.pgha.events.TopologyEvent.TopologyChanged;
import io.pgha.renderer.fence.FenceDecision;
import io.pgha.renderer.fence.FencesInFile;
import io.pgha.renderer.fence.HaproxyWorkers;
import io.pgha.renderer.haproxy.HaproxyControl;
import io.pgha.renderer.haproxy.HaproxyControl.HaproxyException;
import io.pgha.renderer.haproxy.HaproxyControl.Validation;
import io.pgha.renderer.render.ApplyPlan;
import io.pgha.renderer.render.HaproxyConfigRenderer;
import io.pgha.renderer.render.RenderSettings;
import io.pgha.renderer.render.RenderedConfig;
import io.pgha.renderer.render.ServerRef;
import io.pgha.renderer.render.TopologyCheck;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Keeps HAProxy's configuration equal to the latest topology of every configured cluster. Topologies
 * are offered from the consumer; one thread renders, decides ({@link ApplyPlan#decide}) and applies:
 * validate with {@code haproxy -c}, swap atomically, then reload or change server states through the
 * runtime API. Changes that arrive while it works are coalesced into the next round. Nothing is
 * rendered before pgha.topology has been read to its end ({@link #caughtUp()}).
 */
public final class HaproxyRouting implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HaproxyRouting.class);

    /**
     * How long the file rewrite of a lifted fence waits for an apply that would do it anyway (issue 17):
     * rewritten right away, its {@code haproxy -c} ran ahead of the topology naming the lifted member
     * leader (a switchover back to it: lifted at 11.75, that topology published at 12.03 and routed only
     * at 13.04, load ~7; FailoverScenariosIT, asynchronous switchover, 2.9 s of write unavailability).
     */
    static final Duration LIFT_REWRITE_DELAY = Duration.ofSeconds(3);

    private static final int ERRORS_KEPT = 20;

    private final RenderSettings settings;
    private final HaproxyControl haproxy;
    private final HaproxyConfigRenderer renderer = new HaproxyConfigRenderer();
    private final Clock clock;
    private final MeterRegistry metrics;
    private final String configPath;
    private final ScheduledExecutorService worker;
    private final RoutingReports reports;

    /** Changes not yet applied: cluster → its newest topology (empty: the cluster was deleted). */
    private final Map<String, Optional<TopologyChanged>> incoming = new ConcurrentHashMap<>();

    /**
     * The newest topology of each cluster that passed {@link TopologyCheck}: when a newer one fails,
     * this one is routed by (after a restart, the topic may end with a topology that cannot be used).
     */
    private final Map<String, TopologyChanged> lastValid = new ConcurrentHashMap<>();

    /**
     * The fast failover's fences (cluster → member → {@code /detach} epoch): rendered as maintenance in
     * the read-write backend, so no reload or runtime update brings the member back while it holds.
     */
    private final Map<String, Map<String, Long>> fences = new ConcurrentHashMap<>();

    /** The fences carried out on every worker (and reported), for {@link FenceDecision}. */
    private final Map<String, Map<String, FenceDecision.Fence>> confirmed = new ConcurrentHashMap<>();

    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong runtimeUpdates = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final Map<String, Gauge> versionGauges = new ConcurrentHashMap<>();
    private final Timer applyTimer;
    private final Duration liftRewriteDelay;

    // Touched on the worker thread; read (as one snapshot) by status().
    private volatile boolean caughtUp;
    private volatile boolean firstApplyDone;
    private volatile boolean reloadPending;
    private volatile RenderedConfig applied;
    private volatile Instant appliedAt;
    private volatile Map<String, TopologyChanged> good = Map.of();
    private final Deque<ApplyError> errors = new ArrayDeque<>();

    public HaproxyRouting(
            RenderSettings settings,
            HaproxyControl haproxy,
            Clock clock,
            MeterRegistry metrics,
            String configPath,
            Duration retryInterval) {
        this(settings, haproxy, clock, metrics, configPath, retryInterval, RoutingReports.NONE, LIFT_REWRITE_DELAY);
    }

    /** @param liftRewriteDelay how long a lifted fence's own file rewrite waits ({@link #LIFT_REWRITE_DELAY}) */
    public HaproxyRouting(
            RenderSettings settings,
            HaproxyControl haproxy,
            Clock clock,
            MeterRegistry metrics,
            String configPath,
            Duration retryInterval,
            RoutingReports reports,
            Duration liftRewriteDelay) {
        this.liftRewriteDelay = liftRewriteDelay;
        this.settings = settings;
        this.reports = reports;
        this.haproxy = haproxy;
        this.clock = clock;
        this.metrics = metrics;
        this.configPath = configPath;
        this.worker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "haproxy-routing");
            thread.setDaemon(true);
            return thread;
        });
        this.applyTimer = Timer.builder("pgha_renderer_apply")
                .description("Time from picking up topology changes to HAProxy running the result")
                .register(metrics);
        Gauge.builder("pgha_renderer_reload_pending", () -> reloadPending ? 1 : 0)
                .description("1 while the file is in place but HAProxy could not be reached to reload it")
                .register(metrics);
        worker.scheduleWithFixedDelay(
                this::retryPendingReload, retryInterval.toMillis(), retryInterval.toMillis(), TimeUnit.MILLISECONDS);
        restoreFences();
    }

    /**
     * The fences the file on disk carries (a previous run rendered them): kept, so a restart does not
     * put a fenced member back. Their {@code /detach} revision is unknown (0), so they count for no gate
     * until fenced again for the {@code /detach} that still stands; they are lifted by the usual rule.
     */
    private void restoreFences() {
        try {
            haproxy.currentConfig()
                    .map(FencesInFile::parse)
                    .orElse(Map.of())
                    .forEach((cluster, members) -> members.forEach((member, epoch) -> {
                        fences.computeIfAbsent(cluster, c -> new ConcurrentHashMap<>())
                                .put(member, epoch);
                        confirmed
                                .computeIfAbsent(cluster, c -> new ConcurrentHashMap<>())
                                .put(member, new FenceDecision.Fence(epoch, 0));
                        LOG.warnf(
                                "cluster %s: %s stays fenced out of %s (epoch %d, found in the file at start)",
                                cluster, member, HaproxyConfigRenderer.readWriteBackend(cluster), epoch);
                    }));
        } catch (RuntimeException e) {
            LOG.warnf("could not read the fences of the file on disk: %s", e.getMessage());
        }
    }

    /** A topology from pgha.topology; applied soon if its cluster is configured. */
    public void offer(TopologyChanged topology) {
        if (!settings.clusters().containsKey(topology.cluster())) {
            LOG.debugf("ignoring the topology of cluster %s: no ports configured for it here", topology.cluster());
            Counter.builder("pgha_renderer_ignored_topologies")
                    .description("Topologies of clusters this renderer has no ports for")
                    .tag("cluster", topology.cluster())
                    .register(metrics)
                    .increment();
            return;
        }
        if (TopologyCheck.problems(topology, settings).isEmpty()) {
            lastValid.put(topology.cluster(), topology);
        }
        incoming.put(topology.cluster(), Optional.of(topology));
        schedule();
    }

    /** A tombstone on pgha.topology: the cluster is gone, its listeners go too. */
    public void deleted(String cluster) {
        if (settings.clusters().containsKey(cluster)) {
            lastValid.remove(cluster);
            incoming.put(cluster, Optional.empty());
            schedule();
        }
    }

    /** pgha.topology has been read to its end: render for the first time. */
    public void caughtUp() {
        if (!caughtUp) {
            caughtUp = true;
            LOG.infof("pgha.topology read to its end (%d cluster(s) known): rendering", incoming.size());
            schedule();
        }
    }

    /** True once the topic was read to its end and the first configuration was decided on. */
    public boolean ready() {
        return caughtUp && firstApplyDone;
    }

    /** The fences of {@code cluster} carried out on every worker: member → the {@code /detach} of each. */
    public Map<String, FenceDecision.Fence> fenced(String cluster) {
        return Map.copyOf(confirmed.getOrDefault(cluster, Map.of()));
    }

    /**
     * Takes {@code member} out of {@code cluster}'s read-write backend for the {@code /detach} of {@code
     * epoch} (config-renderer's DESIGN.md, "Fencing"), on the routing thread; reported once every worker
     * has it out.
     */
    public void fence(String cluster, String member, long epoch, long detachRevision, String why) {
        worker.execute(() -> fenceNow(cluster, member, new FenceDecision.Fence(epoch, detachRevision), why));
    }

    /** Lifts the fence of {@code member}: its health check decides again. */
    public void lift(String cluster, String member, String why) {
        worker.execute(() -> liftNow(cluster, member, why));
    }

    /** A snapshot for REST. */
    public synchronized RendererStatus status() {
        RenderedConfig config = applied;
        List<RendererStatus.ClusterVersion> clusters = new ArrayList<>();
        if (config != null) {
            for (TopologyChanged topology : new TreeMap<>(good).values()) {
                clusters.add(new RendererStatus.ClusterVersion(
                        topology.cluster(),
                        topology.epoch(),
                        config.version(topology.cluster()),
                        topology.leader(),
                        topology.members().stream().map(Member::name).sorted().toList()));
            }
        }
        return new RendererStatus(
                configPath,
                config == null ? null : config.hash(),
                appliedAt,
                caughtUp,
                reloadPending,
                clusters,
                reloads.get(),
                runtimeUpdates.get(),
                writes.get(),
                rejected.get(),
                errors.peekFirst(),
                List.copyOf(errors));
    }

    /** The configuration text in force, or null before the first apply. */
    public String appliedText() {
        RenderedConfig config = applied;
        return config == null ? null : config.text();
    }

    @Override
    public void close() {
        reports.close();
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void schedule() {
        if (caughtUp && scheduled.compareAndSet(false, true)) {
            worker.execute(this::applySafely);
        }
    }

    private void applySafely() {
        scheduled.set(false);
        try {
            applyTimer.record(this::apply);
        } catch (RuntimeException e) {
            LOG.errorf(
                    e, "applying the topology failed; the last good HAProxy configuration stays: %s", e.getMessage());
            reject("*", -1, "apply", e.toString());
        } finally {
            firstApplyDone = true;
        }
    }

    private void apply() {
        long started = System.nanoTime();
        Map<String, Optional<TopologyChanged>> changes = drain();
        Map<String, TopologyChanged> candidate = new TreeMap<>(good);
        Map<String, TopologyChanged> accepted = new LinkedHashMap<>();
        boolean hold = false;
        for (Map.Entry<String, Optional<TopologyChanged>> change : changes.entrySet()) {
            if (change.getValue().isEmpty()) {
                candidate.remove(change.getKey());
                continue;
            }
            TopologyChanged topology = change.getValue().get();
            List<String> problems = TopologyCheck.problems(topology, settings);
            if (problems.isEmpty()) {
                candidate.put(topology.cluster(), topology);
                accepted.put(topology.cluster(), topology);
            } else {
                reject(topology.cluster(), topology.epoch(), "topology", String.join("; ", problems));
                TopologyChanged fallback = lastValid.get(topology.cluster());
                if (fallback != null && !fallback.equals(good.get(topology.cluster()))) {
                    candidate.put(fallback.cluster(), fallback);
                    accepted.put(fallback.cluster(), fallback);
                } else if (fallback == null && !good.containsKey(topology.cluster())) {
                    // Nothing usable known for this cluster (a restart whose topic ends with it):
                    // leave HAProxy alone rather than drop the cluster's listeners.
                    hold = true;
                }
            }
        }
        if (hold && applied == null) {
            LOG.warnf("no usable topology for every cluster yet: HAProxy keeps the configuration it runs");
            return;
        }
        RenderedConfig desired = renderer.render(candidate, settings, fenceSnapshot());
        String onDisk = haproxy.currentConfig().orElse(null);
        ApplyPlan plan = ApplyPlan.decide(applied, onDisk, desired);
        boolean done;
        if (plan instanceof ApplyPlan.Nothing) {
            if (applied == null) {
                LOG.infof("HAProxy already runs configuration %s: nothing to write or reload", desired.hash());
            }
            done = true;
        } else if (plan instanceof ApplyPlan.WriteOnly) {
            done = validateAndInstall(desired, accepted);
        } else if (plan instanceof ApplyPlan.RuntimeUpdate update) {
            // the leader change first: haproxy -c (~0.1-0.3 s), the file and the other states can wait,
            // a switchover's writes cannot; it touches only servers HAProxy runs (see DESIGN.md)
            done = steerLeaderChange(desired)
                    && validateAndInstall(desired, accepted)
                    && runtimeOrReload(update, onDisk, accepted);
        } else {
            // the leader change first here too: a failover that also removes the lost member from the
            // configuration reloads, and haproxy -c plus a reload take seconds on a busy machine
            steerLeaderChange(desired);
            done = validateAndInstall(desired, accepted)
                    && reload(((ApplyPlan.Reload) plan).reason(), onDisk, accepted);
            if (done && !reloadPending) {
                hold(ApplyPlan.holdNewServers(applied, desired));
                enforceStates(desired);
            }
        }
        if (done && (plan instanceof ApplyPlan.WriteOnly || plan instanceof ApplyPlan.Reload)) {
            steerLeaderChange(desired);
        }
        if (done) {
            synchronized (this) {
                applied = desired;
                appliedAt = clock.instant();
                good = Map.copyOf(candidate);
            }
            publishVersions(desired, candidate);
            if (!reloadPending) {
                reports.routed(candidate.values()); // HAProxy runs it: a switchover may answer now
            }
            if (!(plan instanceof ApplyPlan.Nothing)) {
                for (TopologyChanged topology : accepted.values()) {
                    MDC.put("cluster", topology.cluster());
                    MDC.put("epoch", Long.toString(topology.epoch()));
                    LOG.infof(
                            "cluster %s epoch %d now routed by configuration %s (%s, %d ms)",
                            topology.cluster(),
                            topology.epoch(),
                            desired.version(topology.cluster()),
                            describe(plan),
                            (System.nanoTime() - started) / 1_000_000);
                    MDC.remove("cluster");
                    MDC.remove("epoch");
                }
            }
        }
    }

    /** {@code haproxy -c} before every install, also when only comments or server states changed. */
    private boolean validateAndInstall(RenderedConfig desired, Map<String, TopologyChanged> accepted) {
        Validation validation = haproxy.validate(desired.text());
        if (!validation.valid()) {
            String reason = "haproxy -c refused the rendered configuration: " + validation.output();
            if (accepted.isEmpty()) {
                reject("*", -1, "validation", reason);
            }
            accepted.values().forEach(topology -> reject(topology.cluster(), topology.epoch(), "validation", reason));
            return false;
        }
        haproxy.install();
        writes.incrementAndGet();
        return true;
    }

    /** The old leader down, then the new one up, in the read-write backends of the running HAProxy. */
    private boolean steerLeaderChange(RenderedConfig desired) {
        steer(ApplyPlan.demotions(applied, desired));
        steer(ApplyPlan.promotions(applied, desired));
        return true;
    }

    private boolean runtimeOrReload(
            ApplyPlan.RuntimeUpdate update, String previous, Map<String, TopologyChanged> accepted) {
        try {
            for (String command : update.commands()) {
                String answer = haproxy.runtime(command);
                if (!answer.isEmpty()) {
                    throw new HaproxyException("'" + command + "' answered: " + answer, false, null);
                }
            }
            runtimeUpdates.addAndGet(update.commands().size());
            Counter.builder("pgha_renderer_runtime_updates")
                    .description("Server states changed through HAProxy's runtime API")
                    .register(metrics)
                    .increment(update.commands().size());
            return true;
        } catch (HaproxyException e) {
            LOG.warnf("runtime API update failed (%s): reloading instead", e.getMessage());
            return reload("runtime API update failed", previous, accepted);
        }
    }

    private boolean reload(String reason, String previous, Map<String, TopologyChanged> accepted) {
        try {
            haproxy.reload();
            reloadPending = false;
            reloads.incrementAndGet();
            Counter.builder("pgha_renderer_reloads")
                    .description("HAProxy reloads through the master socket")
                    .register(metrics)
                    .increment();
            LOG.debugf("HAProxy reloaded: %s", reason);
            return true;
        } catch (HaproxyException e) {
            if (e.unreachable()) {
                reloadPending = true;
                LOG.warnf(
                        "configuration written, but HAProxy could not be reached to reload it; retrying: %s",
                        e.getMessage());
                return true;
            }
            if (previous != null) {
                haproxy.restore(previous);
            }
            Counter.builder("pgha_renderer_reload_failures")
                    .description("Reloads HAProxy failed to carry out (the old configuration stayed)")
                    .register(metrics)
                    .increment();
            if (accepted.isEmpty()) {
                reject("*", -1, "reload", e.getMessage());
            }
            accepted.values()
                    .forEach(topology -> reject(topology.cluster(), topology.epoch(), "reload", e.getMessage()));
            return false;
        }
    }

    /**
     * After a reload the new worker takes server states from the saved state file, where a state set
     * earlier through the runtime API survives; set every server to what this configuration says.
     */
    private void enforceStates(RenderedConfig desired) {
        try {
            desired.states().forEach((server, state) -> {
                String answer = haproxy.runtime("set server " + server + " state " + state.haproxyName());
                if (!answer.isEmpty()) {
                    LOG.warnf("setting %s to %s after the reload: %s", server, state.haproxyName(), answer);
                }
            });
        } catch (HaproxyException e) {
            LOG.warnf("could not set server states after the reload: %s", e.getMessage());
        }
    }

    private void hold(List<String> commands) {
        for (String command : commands) {
            try {
                haproxy.runtime(command);
            } catch (HaproxyException e) {
                LOG.warnf("could not hold a new server down until its first check (%s)", e.getMessage());
                return;
            }
        }
    }

    /** Leader changes in the read-write backends at once (the health checks confirm them). */
    private void steer(List<String> commands) {
        for (String command : commands) {
            try {
                String answer = haproxy.runtime(command);
                LOG.infof("leader change applied at once: %s%s", command, answer.isEmpty() ? "" : " (" + answer + ")");
            } catch (HaproxyException e) {
                LOG.warnf("could not apply the leader change at once (%s): the health checks will", e.getMessage());
            }
        }
    }

    // --- the fence (executor of FenceDecision's actions) ---

    private void fenceNow(String cluster, String member, FenceDecision.Fence fence, String why) {
        long epoch = fence.epoch();
        MDC.put("cluster", cluster);
        MDC.put("member", member);
        MDC.put("epoch", Long.toString(epoch));
        try {
            fences.computeIfAbsent(cluster, c -> new ConcurrentHashMap<>()).put(member, epoch); // rendered from now on
            String server = new ServerRef(HaproxyConfigRenderer.readWriteBackend(cluster), member).toString();
            long started = System.nanoTime();
            if (takeOutOfCurrentWorker(server)
                    && endSessionsOnOldWorkers(HaproxyConfigRenderer.readWriteBackend(cluster))) {
                confirmed
                        .computeIfAbsent(cluster, c -> new ConcurrentHashMap<>())
                        .put(member, fence);
                reports.fenced(cluster, latestFence(cluster));
                LOG.warnf(
                        "fenced %s out of %s on every HAProxy worker in %d ms (%s)",
                        member,
                        HaproxyConfigRenderer.readWriteBackend(cluster),
                        (System.nanoTime() - started) / 1_000_000,
                        why);
            } else {
                LOG.warnf(
                        "could not fence %s on every HAProxy worker yet (tried again at the next read): %s",
                        member, why);
            }
            schedule(); // the file says it too (disabled), so a reload keeps it out
        } finally {
            MDC.remove("cluster");
            MDC.remove("member");
            MDC.remove("epoch");
        }
    }

    private void liftNow(String cluster, String member, String why) {
        Map<String, Long> held = fences.getOrDefault(cluster, Map.of());
        if (!held.containsKey(member)) {
            return;
        }
        held.remove(member);
        confirmed.getOrDefault(cluster, new ConcurrentHashMap<>()).remove(member);
        // reported before the member is put back: no gate may count a fence that is already gone
        reports.fenced(cluster, latestFence(cluster));
        String server = new ServerRef(HaproxyConfigRenderer.readWriteBackend(cluster), member).toString();
        try {
            String answer = haproxy.runtime("set server " + server + " state ready");
            LOG.warnf("fence of %s lifted (%s)%s", server, why, answer.isEmpty() ? "" : ": " + answer);
        } catch (HaproxyException e) {
            LOG.warnf("fence of %s lifted (%s); the next apply sets its state: %s", server, why, e.getMessage());
        }
        // the file's fence line only matters for a reload from outside or a restart: any apply before then
        // renders without it, so the lift does not queue its own haproxy -c ahead of the topology naming the
        // member leader, which comes right after in a switchover back to it
        worker.schedule(this::schedule, liftRewriteDelay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** {@code set server <c>_rw/<L> state maint} and {@code shutdown sessions server} on the current worker. */
    private boolean takeOutOfCurrentWorker(String server) {
        try {
            for (String command :
                    List.of("set server " + server + " state maint", "shutdown sessions server " + server)) {
                String answer = haproxy.runtime(command);
                if (!answer.isEmpty() && !answer.startsWith("No such")) { // not a server here: nothing to fence
                    LOG.warnf("'%s' answered: %s", command, answer);
                    return false;
                }
            }
            return true;
        } catch (HaproxyException e) {
            LOG.warnf("could not fence %s on the current worker: %s", server, e.getMessage());
            return false;
        }
    }

    /**
     * A worker replaced by a reload refuses server commands ("Proxy is disabled.") but takes {@code
     * shutdown session <ptr>}; it accepts no new connection, so ending its sessions of the read-write
     * backend (to any server: a retry could still redispatch one) is the whole fence there. True once a
     * second look finds none left.
     */
    private boolean endSessionsOnOldWorkers(String backend) {
        try {
            for (long pid : HaproxyWorkers.oldWorkers(haproxy.showProc())) {
                for (int round = 0; ; round++) {
                    String sessions = haproxy.onWorker(pid, "show sess");
                    List<String> open = HaproxyWorkers.workerGone(sessions)
                            ? List.of()
                            : HaproxyWorkers.sessionsOf(sessions, backend);
                    if (open.isEmpty()) {
                        break;
                    }
                    if (round == 2) {
                        LOG.warnf("old worker %d still has %d session(s) of %s", pid, open.size(), backend);
                        return false;
                    }
                    for (String session : open) {
                        String answer = haproxy.onWorker(pid, "shutdown session " + session);
                        LOG.infof(
                                "old worker %d: shutdown session %s%s",
                                pid, session, answer.isEmpty() ? "" : ": " + answer);
                    }
                }
            }
            return true;
        } catch (HaproxyException e) {
            LOG.warnf("could not reach HAProxy's old workers through the master socket: %s", e.getMessage());
            return false;
        }
    }

    /** The confirmed fence of {@code cluster} with the highest epoch (what its report says), or null. */
    private RouterReport.Fenced latestFence(String cluster) {
        return confirmed.getOrDefault(cluster, Map.of()).entrySet().stream()
                .max(java.util.Comparator.comparing(e -> e.getValue().detachRevision()))
                .map(e -> new RouterReport.Fenced(
                        e.getValue().epoch(), e.getKey(), e.getValue().detachRevision()))
                .orElse(null);
    }

    private Map<String, Map<String, Long>> fenceSnapshot() {
        Map<String, Map<String, Long>> snapshot = new TreeMap<>();
        fences.forEach((cluster, members) -> {
            if (!members.isEmpty()) {
                snapshot.put(cluster, Map.copyOf(members));
            }
        });
        return snapshot;
    }

    private void retryPendingReload() {
        if (!reloadPending) {
            return;
        }
        try {
            haproxy.reload();
            reloadPending = false;
            reloads.incrementAndGet();
            LOG.info("HAProxy reachable again: reloaded the configuration written while it was not");
            reports.routed(good.values());
        } catch (HaproxyException e) {
            if (!e.unreachable()) {
                reloadPending = false;
                reject("*", -1, "reload", e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.warnf("retrying the reload failed: %s", e.toString());
        }
    }

    private Map<String, Optional<TopologyChanged>> drain() {
        Map<String, Optional<TopologyChanged>> changes = new TreeMap<>();
        for (String cluster : List.copyOf(incoming.keySet())) {
            Optional<TopologyChanged> change = incoming.remove(cluster);
            if (change != null) {
                changes.put(cluster, change);
            }
        }
        return changes;
    }

    private synchronized void reject(String cluster, long epoch, String stage, String reason) {
        ApplyError error = new ApplyError(cluster, epoch, stage, reason, clock.instant());
        errors.addFirst(error);
        while (errors.size() > ERRORS_KEPT) {
            errors.removeLast();
        }
        rejected.incrementAndGet();
        Counter.builder("pgha_renderer_rejected")
                .description("Topology changes not applied (the last good configuration stayed)")
                .tags(Tags.of("cluster", cluster, "stage", stage))
                .register(metrics)
                .increment();
        MDC.put("cluster", cluster);
        MDC.put("epoch", Long.toString(epoch));
        LOG.errorf(
                "cluster %s epoch %d not applied (%s): %s; HAProxy keeps the last good configuration",
                cluster, epoch, stage, reason);
        MDC.remove("cluster");
        MDC.remove("epoch");
    }

    private void publishVersions(RenderedConfig config, Map<String, TopologyChanged> clusters) {
        for (String cluster : settings.clusters().keySet()) {
            Gauge old = versionGauges.remove(cluster);
            if (old != null) {
                metrics.remove(old);
            }
            TopologyChanged topology = clusters.get(cluster);
            if (topology != null) {
                long epoch = topology.epoch();
                versionGauges.put(
                        cluster,
                        Gauge.builder("pgha_renderer_config_version", () -> epoch)
                                .description("The configuration HAProxy runs: value = epoch, tag hash = its hash")
                                .tags(Tags.of("cluster", cluster, "hash", config.hash()))
                                .register(metrics));
            }
        }
    }

    private static String describe(ApplyPlan plan) {
        if (plan instanceof ApplyPlan.RuntimeUpdate update) {
            return "runtime API: " + String.join(", ", update.commands());
        }
        if (plan instanceof ApplyPlan.Reload reload) {
            return "reloaded: " + reload.reason();
        }
        return plan instanceof ApplyPlan.WriteOnly ? "file rewritten, no reload" : "unchanged";
    }
}
