package io.pgha.coordinator.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgha.coordinator.agent.AgentClient;
import io.pgha.coordinator.config.CoordinatorConfig;
import io.pgha.coordinator.decide.CandidateRanking;
import io.pgha.coordinator.decide.ColdStart;
import io.pgha.coordinator.decide.FailoverPolicy;
import io.pgha.coordinator.decide.MemberSnapshot;
import io.pgha.coordinator.decide.Ranking;
import io.pgha.coordinator.decide.SyncPlanner;
import io.pgha.coordinator.decide.TopologyView;
import io.pgha.coordinator.decide.UnpromotedLeader;
import io.pgha.coordinator.etcd.CoordinatorStore;
import io.pgha.core.DynamicConfig;
import io.pgha.core.Json;
import io.pgha.core.MemberStatus;
import io.pgha.core.Switchover;
import io.pgha.core.SyncSet;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.LeaderKey;
import io.pgha.core.store.MemberEntry;
import io.pgha.events.ElectionEvent;
import io.pgha.events.ElectionEvent.Exclusion;
import io.pgha.events.Lsn;
import io.pgha.events.PghaEvent;
import io.pgha.events.TopologyEvent.TopologyChanged;
import io.pgha.messaging.EventPublisher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * One cluster, on one thread: campaigns for its election key, and while this replica leads, publishes
 * the topology, carries out failovers and switchovers, and keeps {@code /sync} right. Decisions come
 * from the pure classes of {@code decide}; every write is guarded by the election key.
 */
final class ClusterWorker {
    private static final Logger LOG = Logger.getLogger(ClusterWorker.class);

    /** Why a member is being promoted. */
    enum Kind {
        FAILOVER,
        SWITCHOVER,
        MANUAL
    }

    private final String cluster;
    private final String me;
    private final CoordinatorStore store;
    private final AgentClient agents;
    private final HealthView health;
    private final EventPublisher events;
    private final CoordinatorConfig.Coordinator settings;
    private final LeaseKeeper lease;
    private final Clock clock;
    private final Semaphore wake = new Semaphore(0);
    private final Thread thread;
    private volatile boolean running = true;

    private volatile long electionRevision;
    private String lastLeader;
    private Lsn lastLeaderLsn;
    private long lastEpoch;
    private final Set<String> followingLeader = new java.util.HashSet<>();
    private String publishedTopology;
    private String lastFailureReport;
    private String lastFailureMessage;
    private String switchoverSeen;
    private long switchoverSeenNanos;
    private String appliedSeen;
    private long appliedSeenNanos;
    private long appliedSeenRevision;
    private Lsn appliedAtLsn;
    private long statusWrittenNanos;
    /** When this replica first had to choose a leader with none seen alive (0: not in a cold start). */
    private long coldStartSinceNanos;

    private Lsn statusWritten;
    private volatile ManualFailover manual;
    private final UnpromotedLeader unpromoted;

    /** A manual failover requested through REST while this replica leads and there is no leader. */
    record ManualFailover(String candidate, boolean ignoreLag, CompletableFuture<String> done) {}

    ClusterWorker(
            String cluster,
            String me,
            CoordinatorStore store,
            AgentClient agents,
            HealthView health,
            EventPublisher events,
            CoordinatorConfig.Coordinator settings,
            LeaseKeeper lease,
            Clock clock) {
        this.cluster = cluster;
        this.me = me;
        this.store = store;
        this.agents = agents;
        this.health = health;
        this.events = events;
        this.settings = settings;
        this.unpromoted = new UnpromotedLeader(settings.promoteTimeout());
        this.lease = lease;
        this.clock = clock;
        this.thread = new Thread(this::loop, "cluster-" + cluster);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Runs the loop now (an etcd change of this cluster). */
    void wake() {
        wake.release();
    }

    boolean leads() {
        return electionRevision != 0;
    }

    String cluster() {
        return cluster;
    }

    /** Queues a manual failover to {@code candidate}; the future completes with an error message or null. */
    CompletableFuture<String> manualFailover(String candidate, boolean ignoreLag) {
        ManualFailover request = new ManualFailover(candidate, ignoreLag, new CompletableFuture<>());
        manual = request;
        wake();
        return request.done();
    }

    void stop() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long revision = electionRevision;
        electionRevision = 0;
        if (revision != 0) {
            try {
                store.resign(cluster, revision);
                LOG.infof("resigned the leadership of %s", cluster);
            } catch (RuntimeException e) {
                LOG.warnf("could not resign %s (the lease will end it): %s", cluster, e.getMessage());
            }
        }
    }

    private void loop() {
        MDC.put("cluster", cluster);
        while (running) {
            try {
                step();
            } catch (RuntimeException e) {
                LOG.warnf("cluster %s: %s", cluster, e.getMessage());
                LOG.debug("step failed", e);
            }
            try {
                wake.tryAcquire(settings.tick().toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    // --- one run ---

    private void step() {
        long myLease = lease.lease();
        if (myLease == 0) {
            lose("the election lease could not be renewed in time");
            return;
        }
        if (electionRevision == 0) {
            Optional<Long> won = store.campaign(cluster, me, myLease);
            if (won.isEmpty()) {
                return;
            }
            electionRevision = won.get();
            publishedTopology = null;
            unpromoted.reset();
            lastFailureReport = null;
            ClusterSnapshot first = store.read(cluster);
            lastEpoch = first.leader().map(l -> l.modRevision()).orElse(lastEpoch);
            LOG.infof("this replica (%s) now leads %s", me, cluster);
            publish(new ElectionEvent.CoordinatorElected(cluster, lastEpoch, me, clock.instant()));
        }
        ClusterSnapshot snapshot = store.read(cluster);
        if (snapshot.revisionOf("coordinator") != electionRevision) {
            lose("its election key is gone or belongs to another replica");
            return;
        }
        DynamicConfig config = config(snapshot);
        Optional<SyncSet> sync = sync(snapshot);
        track(snapshot);
        publishTopology(snapshot, config, sync);
        if (snapshot.initialize().isEmpty()) {
            return; // not bootstrapped yet: the agents race for it
        }
        Optional<Switchover> switchover = switchover(snapshot);
        if (switchover.isPresent() && switchover.get().scheduled()) {
            if (snapshot.leader().isPresent()) {
                startWhenDue(snapshot, switchover.get());
                return;
            }
            // a lost leader is failed over now; the schedule stays and fails at its time if the leader changed
            switchover = Optional.empty();
        }
        if (snapshot.leader().isPresent()) {
            ManualFailover request = manual;
            if (request != null) {
                manual = null;
                request.done().complete("the cluster has a leader now: use a switchover");
            }
            if (!config.pause() && takeBackUnpromoted(snapshot)) {
                return; // the next run fails over
            }
            watchSwitchover(snapshot, switchover);
            if (config.synchronousMode()) {
                keepSync(snapshot, config, sync);
            } else if (sync.isPresent()) {
                store.compareAndDelete(cluster, "sync", snapshot.revisionOf("sync"), electionRevision);
            }
            writeStatus(snapshot);
            return;
        }
        ManualFailover request = manual;
        if (request != null) {
            manual = null;
            boolean done = promote(snapshot, config, sync, request.candidate(), Kind.MANUAL, request.ignoreLag());
            request.done()
                    .complete(
                            done
                                    ? null
                                    : Objects.requireNonNullElse(
                                            lastFailureMessage, "it did not complete; see the coordinator's log"));
            return;
        }
        if (switchover.isPresent()) {
            Switchover s = switchover.get();
            boolean done = promote(snapshot, config, sync, s.member(), Kind.SWITCHOVER, false);
            if (done) {
                store.compareAndDelete(cluster, "switchover", snapshot.revisionOf("switchover"), electionRevision);
            }
            return;
        }
        if (config.pause()) {
            return; // maintenance: no automatic failover
        }
        promote(snapshot, config, sync, null, Kind.FAILOVER, false);
    }

    /**
     * Takes back a leader key whose member has run as a replica for promote-timeout since this replica
     * first saw the key (the replica that wrote it may have stopped leading before the promotion).
     */
    private boolean takeBackUnpromoted(ClusterSnapshot snapshot) {
        LeaderKey leader = snapshot.leader().orElseThrow();
        boolean runsAsReplica = snapshot.leaderMember()
                .map(MemberEntry::status)
                .filter(s -> "replica".equals(s.role()) && "running".equals(s.state()))
                .isPresent();
        if (!unpromoted.overdue(leader.modRevision(), runsAsReplica, System.nanoTime())) {
            return false;
        }
        unpromoted.reset();
        boolean taken = store.takeBackLeader(cluster, leader.modRevision(), electionRevision);
        String reason = leader.member() + " held the leader key for "
                + settings.promoteTimeout().toSeconds() + " s but kept running as a replica"
                + (taken ? "; its leader key was taken back" : "");
        LOG.warnf("%s: %s", cluster, reason);
        publish(new ElectionEvent.FailoverFailed(
                cluster, leader.modRevision(), null, leader.member(), reason, List.of(), clock.instant()));
        return taken;
    }

    private void lose(String why) {
        if (electionRevision != 0) {
            electionRevision = 0;
            LOG.warnf("this replica (%s) no longer leads %s: %s", me, cluster, why);
        }
    }

    /** Remembers the last leader, its position and which members followed it. */
    private void track(ClusterSnapshot snapshot) {
        if (snapshot.leader().isPresent()) {
            coldStartSinceNanos = 0;
        } else if (snapshot.members().isEmpty() && lastLeader != null) {
            // every node is gone (stopped, or lost power): their next start is a cold start
            LOG.infof("%s: no member is registered any more; the next leader is chosen as after a full stop", cluster);
            lastLeader = null;
            followingLeader.clear();
        }
        snapshot.leader().ifPresent(l -> {
            if (!l.member().equals(lastLeader)) {
                lastLeaderLsn = null;
                followingLeader.clear();
            }
            lastLeader = l.member();
            lastEpoch = l.modRevision();
            snapshot.leaderMember()
                    .map(MemberEntry::status)
                    .filter(s -> "primary".equals(s.role()) && s.xlogLocation() != null)
                    .map(MemberStatus::bestLsn)
                    .ifPresent(lsn ->
                            lastLeaderLsn = lastLeaderLsn == null || lsn.isAfter(lastLeaderLsn) ? lsn : lastLeaderLsn);
            followingLeader.clear();
            snapshot.members().values().stream()
                    .filter(m -> !m.name().equals(l.member()) && m.status() != null)
                    .filter(m -> "replica".equals(m.status().role())
                            && "running".equals(m.status().state())
                            && m.status().receiveLsn() != null)
                    .forEach(m -> followingLeader.add(m.name()));
        });
    }

    // --- topology ---

    private void publishTopology(ClusterSnapshot snapshot, DynamicConfig config, Optional<SyncSet> sync) {
        Set<String> promotable = promotableFor(snapshot, config, sync);
        TopologyChanged topology =
                TopologyView.of(cluster, snapshot, promotable, config.pause(), lastEpoch, clock.instant());
        String fingerprint = TopologyView.fingerprint(topology);
        if (!fingerprint.equals(publishedTopology)) {
            publishedTopology = fingerprint;
            LOG.infof(
                    "topology of %s: leader %s, epoch %d, %d members, sync %s, pause %s",
                    cluster,
                    topology.leader(),
                    topology.epoch(),
                    topology.members().size(),
                    topology.syncStandbys(),
                    topology.pause());
            publish(topology);
        }
    }

    private static Set<String> promotableFor(ClusterSnapshot snapshot, DynamicConfig config, Optional<SyncSet> sync) {
        if (!config.synchronousMode() || sync.isEmpty()) {
            return Set.of();
        }
        String leader = snapshot.leader().map(l -> l.member()).orElse(null);
        if (leader != null && !leader.equals(sync.get().leader())) {
            return Set.of();
        }
        return Set.copyOf(sync.get().members());
    }

    // --- failover and the second half of a switchover ---

    private boolean promote(
            ClusterSnapshot snapshot,
            DynamicConfig config,
            Optional<SyncSet> sync,
            String requested,
            Kind kind,
            boolean ignoreLag) {
        long started = System.nanoTime();
        lastFailureMessage = null;
        String former = lastLeader;
        List<MemberEntry> others = snapshot.members().values().stream()
                .filter(m -> !m.name().equals(former))
                .toList();
        List<MemberSnapshot> snapshots = fetch(others);
        Set<String> promotable = sync.map(s -> Set.copyOf(s.members())).orElse(Set.of());
        if (lastLeaderLsn == null) {
            lastLeaderLsn = statusOptime(snapshot); // a replica that took over in the middle
        }
        FailoverPolicy policy = new FailoverPolicy(
                config.maximumLagOnFailover(),
                lastLeaderLsn,
                config.synchronousMode(),
                promotable,
                ignoreLag || kind == Kind.SWITCHOVER);
        if (former == null) {
            // no leader seen alive: every node was stopped, or this replica took over a leaderless cluster
            policy = policy.coldStart(recordedLeader(snapshot, config, sync));
            Set<String> running = snapshots.stream()
                    .filter(m -> m.agentAnswered() && m.running())
                    .map(MemberSnapshot::name)
                    .collect(Collectors.toSet());
            if (running.isEmpty()) {
                coldStartSinceNanos = 0; // the wait for the last leader counts from the first member running
            } else if (coldStartSinceNanos == 0) {
                coldStartSinceNanos = System.nanoTime();
            }
            Optional<String> awaiting = kind == Kind.MANUAL
                    ? Optional.empty()
                    : ColdStart.awaiting(
                            policy,
                            running,
                            Duration.ofNanos(System.nanoTime() - coldStartSinceNanos),
                            settings.coldStartWait());
            if (awaiting.isPresent()) {
                String what = kind == Kind.SWITCHOVER ? "switchover" : "failover";
                report(
                        snapshot,
                        what,
                        null,
                        "cold start: " + awaiting.get(),
                        CandidateRanking.rank(snapshots, policy).exclusionsForEvent(),
                        "failed");
                return false;
            }
        }
        Ranking ranking = CandidateRanking.rank(snapshots, policy);
        List<MemberSnapshot> candidates = requested == null
                ? ranking.eligible()
                : ranking.eligible().stream()
                        .filter(m -> m.name().equals(requested))
                        .toList();
        List<Exclusion> excluded = ranking.exclusionsForEvent();
        String what = kind == Kind.FAILOVER ? "failover" : kind == Kind.SWITCHOVER ? "switchover" : "manual failover";
        if (candidates.isEmpty()) {
            String reason = requested != null
                    ? requested + " cannot become primary: "
                            + ranking.exclusionOf(requested)
                                    .map(Ranking.Excluded::detail)
                                    .orElse("it is not a member")
                    : "no member can become primary";
            report(snapshot, what, null, reason, excluded, "failed");
            if (kind == Kind.SWITCHOVER) {
                abandonSwitchover(snapshot, reason);
            }
            return false;
        }
        lastFailureReport = null;
        LOG.infof(
                "%s of %s: former leader %s, candidates %s, excluded %s",
                what,
                cluster,
                former,
                candidates.stream().map(MemberSnapshot::name).toList(),
                excluded);
        if (kind != Kind.SWITCHOVER) {
            publish(new ElectionEvent.FailoverStarted(
                    cluster,
                    lastEpoch,
                    former,
                    kind == Kind.MANUAL ? "manual failover to " + requested : "the leader key is gone",
                    candidates.get(0).name(),
                    excluded,
                    clock.instant()));
        }
        for (MemberSnapshot candidate : candidates) {
            Optional<MemberEntry> entry = snapshot.member(candidate.name());
            if (entry.isEmpty() || entry.get().lease() == 0) {
                continue;
            }
            if (config.synchronousMode()) {
                SyncPlanner.Step.Write plan = SyncPlanner.forNewLeader(
                        promotable,
                        candidate.name(),
                        standbys(snapshot, former),
                        config.synchronousNodeCount(),
                        config.synchronousModeStrict());
                String value = SyncSet.of(candidate.name(), plan.promotable(), plan.target())
                        .toJson();
                if (!store.compareAndPut(cluster, "sync", value, snapshot.revisionOf("sync"), electionRevision)) {
                    LOG.warnf("%s: /sync changed meanwhile; deciding again", what);
                    return false;
                }
                snapshot = store.read(cluster);
                LOG.infof("%s: /sync for %s written before its leader key: %s", what, candidate.name(), value);
            }
            long epoch =
                    store.writeLeader(cluster, candidate.name(), entry.get().lease(), electionRevision);
            if (epoch == 0) {
                LOG.warnf(
                        "%s: the leader key could not be written (present again, or this replica lost %s)",
                        what, cluster);
                return false;
            }
            LOG.infof("%s: leader key written for %s (epoch %d)", what, candidate.name(), epoch);
            Optional<MemberStatus> promoted = awaitPrimary(candidate.name(), epoch);
            if (promoted.isPresent()) {
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                lastEpoch = epoch;
                appendHistory(former, candidate.name(), what, promoted.get());
                Instant now = clock.instant();
                if (kind == Kind.SWITCHOVER) {
                    publish(new ElectionEvent.SwitchoverCompleted(cluster, epoch, former, candidate.name(), now));
                } else {
                    publish(new ElectionEvent.FailoverCompleted(
                            cluster,
                            epoch,
                            former,
                            candidate.name(),
                            (int) promoted.get().timeline(),
                            excluded,
                            now));
                }
                if (former != null && !former.equals(candidate.name())) {
                    publish(new ElectionEvent.MemberDemoted(
                            cluster,
                            epoch,
                            former,
                            kind == Kind.SWITCHOVER ? "switchover to " + candidate.name() : "its leader key was lost",
                            now));
                }
                publish(new ElectionEvent.MemberPromoted(
                        cluster,
                        epoch,
                        candidate.name(),
                        (int) promoted.get().timeline(),
                        promoted.get().bestLsn(),
                        now));
                report(snapshot, what, candidate.name(), "completed in " + millis + " ms", excluded, "completed");
                LOG.infof(
                        "%s of %s completed: %s is primary (epoch %d) after %d ms",
                        what, cluster, candidate.name(), epoch, millis);
                return true;
            }
            if (!leads()) {
                return false;
            }
            boolean taken = store.takeBackLeader(cluster, epoch, electionRevision);
            String reason = candidate.name() + " did not run as primary within "
                    + settings.promoteTimeout().toSeconds() + " s" + (taken ? "; its leader key was taken back" : "");
            LOG.warnf("%s: %s", what, reason);
            publish(new ElectionEvent.FailoverFailed(
                    cluster, epoch, former, candidate.name(), reason, excluded, clock.instant()));
            snapshot = store.read(cluster);
            if (snapshot.leader().isPresent()) {
                return false; // the candidate made it after all, or another writer: decide again
            }
        }
        report(snapshot, what, null, "no candidate became primary", excluded, "failed");
        return false;
    }

    private Optional<MemberStatus> awaitPrimary(String member, long epoch) {
        long deadline = System.nanoTime() + settings.promoteTimeout().toNanos();
        while (running && System.nanoTime() - deadline < 0) {
            ClusterSnapshot now = store.read(cluster);
            if (now.revisionOf("coordinator") != electionRevision) {
                lose("its election key is gone or belongs to another replica");
                return Optional.empty();
            }
            if (now.leader().isEmpty() || now.leader().get().modRevision() != epoch) {
                return Optional.empty(); // the key expired with the candidate's lease
            }
            Optional<MemberStatus> status =
                    now.member(member).map(MemberEntry::status).filter(Objects::nonNull);
            if (status.isPresent()
                    && "primary".equals(status.get().role())
                    && "running".equals(status.get().state())) {
                return status;
            }
            try {
                wake.tryAcquire(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private List<MemberSnapshot> fetch(List<MemberEntry> members) {
        return MemberSnapshots.fetch(
                agents, health, settings.healthViewMaxAge(), cluster, members, followingLeader, clock.instant());
    }

    private void report(
            ClusterSnapshot snapshot,
            String what,
            String leader,
            String outcome,
            List<Exclusion> excluded,
            String result) {
        String fingerprint = what + result + outcome + excluded;
        lastFailureMessage = outcome
                + excluded.stream()
                        .map(e -> "; " + e.member() + ": " + e.reason())
                        .collect(Collectors.joining());
        if (result.equals("failed")) {
            if (fingerprint.equals(lastFailureReport)) {
                return; // said already; the loop keeps trying
            }
            lastFailureReport = fingerprint;
            LOG.warnf("%s of %s: %s; excluded: %s", what, cluster, outcome, excluded);
            publish(new ElectionEvent.FailoverFailed(
                    cluster, lastEpoch, lastLeader, null, outcome, excluded, clock.instant()));
        }
        ObjectNode status = statusNode(store.read(cluster));
        ObjectNode last = status.putObject("last_failover");
        last.put("kind", what);
        last.put("result", result);
        last.put("outcome", outcome);
        last.put("at", clock.instant().toString());
        if (leader != null) {
            last.put("leader", leader);
        }
        ArrayNode list = last.putArray("excluded");
        for (Exclusion e : excluded) {
            list.addObject().put("member", e.member()).put("reason", e.reason());
        }
        writeStatusNode(status);
    }

    // --- switchover ---

    private void startWhenDue(ClusterSnapshot snapshot, Switchover s) {
        Instant at;
        try {
            at = Instant.parse(s.scheduledAt());
        } catch (RuntimeException e) {
            LOG.errorf("deleting a switchover with an unreadable scheduled_at %s", s.scheduledAt());
            store.compareAndDelete(cluster, "switchover", snapshot.revisionOf("switchover"), electionRevision);
            return;
        }
        if (clock.instant().isBefore(at)) {
            return;
        }
        String leader = snapshot.leader().map(l -> l.member()).orElse(null);
        if (leader == null || !leader.equals(s.leader())) {
            String reason = "the leader is " + leader + " at the scheduled time, not " + s.leader();
            publish(new ElectionEvent.SwitchoverFailed(
                    cluster, lastEpoch, s.leader(), s.member(), reason, clock.instant()));
            store.compareAndDelete(cluster, "switchover", snapshot.revisionOf("switchover"), electionRevision);
            return;
        }
        LOG.infof("scheduled switchover of %s from %s to %s is due", cluster, s.leader(), s.member());
        store.compareAndPut(
                cluster,
                "switchover",
                new Switchover(s.leader(), s.member()).toJson(),
                snapshot.revisionOf("switchover"),
                electionRevision);
    }

    /** While the leader hands over: the started event once, the failed event when it takes too long. */
    private void watchSwitchover(ClusterSnapshot snapshot, Optional<Switchover> switchover) {
        if (switchover.isEmpty()) {
            switchoverSeen = null;
            return;
        }
        Switchover s = switchover.get();
        String leader = snapshot.leader().get().member();
        if (!leader.equals(s.leader())) {
            // done (the candidate leads) or stale: either way nobody acts on it any more
            store.compareAndDelete(cluster, "switchover", snapshot.revisionOf("switchover"), electionRevision);
            switchoverSeen = null;
            return;
        }
        String json = s.toJson();
        if (!json.equals(switchoverSeen)) {
            switchoverSeen = json;
            switchoverSeenNanos = System.nanoTime();
            publish(new ElectionEvent.SwitchoverStarted(
                    cluster, lastEpoch, s.leader(), s.member(), null, clock.instant()));
            return;
        }
        if (System.nanoTime() - switchoverSeenNanos
                > settings.switchoverTimeout().toNanos()) {
            abandonSwitchover(
                    snapshot,
                    "the leader " + leader + " did not hand over within "
                            + settings.switchoverTimeout().toSeconds() + " s");
        }
    }

    private void abandonSwitchover(ClusterSnapshot snapshot, String reason) {
        Optional<Switchover> s = switchover(snapshot);
        LOG.warnf("switchover of %s abandoned: %s", cluster, reason);
        publish(new ElectionEvent.SwitchoverFailed(
                cluster,
                lastEpoch,
                s.map(Switchover::leader).orElse(Objects.requireNonNullElse(lastLeader, "unknown")),
                s.map(Switchover::member).orElse(null),
                reason,
                clock.instant()));
        store.compareAndDelete(cluster, "switchover", snapshot.revisionOf("switchover"), electionRevision);
        switchoverSeen = null;
    }

    // --- synchronous mode ---

    private void keepSync(ClusterSnapshot snapshot, DynamicConfig config, Optional<SyncSet> sync) {
        String leader = snapshot.leader().get().member();
        Optional<MemberStatus> primary =
                snapshot.leaderMember().map(MemberEntry::status).filter(Objects::nonNull);
        if (primary.isEmpty()
                || !"primary".equals(primary.get().role())
                || !"running".equals(primary.get().state())) {
            return;
        }
        boolean ours = sync.isPresent() && leader.equals(sync.get().leader());
        Set<String> promotable = ours ? Set.copyOf(sync.get().members()) : Set.of();
        Set<String> target = ours ? Set.copyOf(sync.get().targetMembers()) : Set.of();
        Set<String> applied = SyncSet.namesIn(primary.get().syncStandbyNames());
        String appliedKey = applied.stream().sorted().toList() + "@" + leader;
        long reportRevision = snapshot.revisionOf("members/" + leader);
        if (!appliedKey.equals(appliedSeen)) {
            appliedSeen = appliedKey;
            appliedSeenNanos = System.nanoTime();
            appliedSeenRevision = reportRevision;
            appliedAtLsn = null;
        } else if (appliedAtLsn == null
                && reportRevision > appliedSeenRevision
                && System.nanoTime() - appliedSeenNanos >= settings.syncSettle().toNanos()) {
            // a position the agent probed in a later loop than the one that applied the set
            appliedAtLsn = primary.get().bestLsn();
        }
        SyncPlanner.Step step = SyncPlanner.next(
                new SyncPlanner.SyncState(target, promotable, applied, appliedAtLsn),
                standbys(snapshot, leader),
                config.synchronousNodeCount(),
                config.synchronousModeStrict());
        if (step instanceof SyncPlanner.Step.Write write) {
            String value =
                    SyncSet.of(leader, write.promotable(), write.target()).toJson();
            if (store.compareAndPut(cluster, "sync", value, snapshot.revisionOf("sync"), electionRevision)) {
                LOG.infof("/sync of %s: %s (%s)", cluster, value, write.why());
            }
        } else if (step instanceof SyncPlanner.Step.Wait wait) {
            LOG.debugf("/sync of %s: %s", cluster, wait.why());
        }
    }

    private List<SyncPlanner.Standby> standbys(ClusterSnapshot snapshot, String exclude) {
        Instant now = clock.instant();
        List<SyncPlanner.Standby> standbys = new ArrayList<>();
        for (MemberEntry m : snapshot.members().values()) {
            if (m.name().equals(exclude) || m.status() == null) {
                continue;
            }
            MemberStatus s = m.status();
            boolean reachable = health.of(cluster, m.name(), settings.healthViewMaxAge(), now)
                    .map(HealthView.Seen::reachable)
                    .orElse(true);
            boolean running = "running".equals(s.state());
            boolean streaming = running && "replica".equals(s.role()) && s.receiveLsn() != null;
            Map<String, Object> tags = s.tags() == null ? Map.of() : s.tags();
            standbys.add(new SyncPlanner.Standby(
                    m.name(),
                    running && reachable,
                    streaming,
                    MemberSnapshots.truthy(tags.get("nosync")),
                    s.receiveLsn() == null ? null : Lsn.parse(s.receiveLsn())));
        }
        return standbys;
    }

    // --- status and history ---

    private void writeStatus(ClusterSnapshot snapshot) {
        if (lastLeaderLsn == null || lastLeaderLsn.equals(statusWritten)) {
            return;
        }
        if (System.nanoTime() - statusWrittenNanos < TimeUnit.SECONDS.toNanos(1)) {
            return;
        }
        ObjectNode status = statusNode(snapshot);
        status.put("optime", lastLeaderLsn.value());
        status.put("leader", lastLeader); // remembered for a cold start
        if (writeStatusNode(status)) {
            statusWritten = lastLeaderLsn;
            statusWrittenNanos = System.nanoTime();
        }
    }

    /**
     * The last leader etcd remembers: {@code /sync}'s leader in synchronous mode (it acknowledged
     * commits only with its set), else {@code /status}'s, else the newest {@code /history} row's.
     */
    private String recordedLeader(ClusterSnapshot snapshot, DynamicConfig config, Optional<SyncSet> sync) {
        if (config.synchronousMode() && sync.isPresent() && sync.get().leader() != null) {
            return sync.get().leader();
        }
        JsonNode status = statusNode(snapshot).path("leader");
        if (status.isTextual()) {
            return status.asText();
        }
        try {
            JsonNode history = Json.MAPPER.readTree(snapshot.history().orElse("[]"));
            JsonNode last = history.isArray() && history.size() > 0 ? history.get(history.size() - 1) : null;
            return last != null && last.path(4).isTextual() ? last.path(4).asText() : null;
        } catch (Exception e) {
            return null;
        }
    }

    private Lsn statusOptime(ClusterSnapshot snapshot) {
        JsonNode optime = statusNode(snapshot).path("optime");
        return optime.isIntegralNumber() ? new Lsn(optime.asLong()) : null;
    }

    private ObjectNode statusNode(ClusterSnapshot snapshot) {
        try {
            JsonNode node = Json.MAPPER.readTree(snapshot.status().orElse("{}"));
            return node instanceof ObjectNode o ? o : Json.MAPPER.createObjectNode();
        } catch (Exception e) {
            return Json.MAPPER.createObjectNode();
        }
    }

    private boolean writeStatusNode(ObjectNode status) {
        ClusterSnapshot now = store.read(cluster);
        ObjectNode merged = statusNode(now);
        merged.setAll(status);
        return store.compareAndPut(cluster, "status", merged.toString(), now.revisionOf("status"), electionRevision);
    }

    /** Appends Patroni's history row: [timeline, lsn, reason, time, new leader]. */
    private void appendHistory(String former, String leader, String what, MemberStatus promoted) {
        for (int attempt = 0; attempt < 3; attempt++) {
            ClusterSnapshot now = store.read(cluster);
            ArrayNode history;
            try {
                JsonNode node = Json.MAPPER.readTree(now.history().orElse("[]"));
                history = node instanceof ArrayNode a ? a : Json.MAPPER.createArrayNode();
            } catch (Exception e) {
                history = Json.MAPPER.createArrayNode();
            }
            ArrayNode row = history.addArray();
            row.add(Math.max(0, promoted.timeline() - 1));
            row.add(lastLeaderLsn == null ? 0 : lastLeaderLsn.value());
            row.add(what + (former == null ? "" : " from " + former) + " to " + leader);
            row.add(clock.instant().toString());
            row.add(leader);
            if (store.compareAndPut(
                    cluster, "history", history.toString(), now.revisionOf("history"), electionRevision)) {
                return;
            }
        }
        LOG.warnf("could not append the history of %s", cluster);
    }

    // --- helpers ---

    private DynamicConfig config(ClusterSnapshot snapshot) {
        try {
            return snapshot.config().map(DynamicConfig::fromJson).orElse(DynamicConfig.DEFAULTS);
        } catch (IllegalArgumentException e) {
            LOG.warnf("the dynamic config of %s cannot be read (defaults in force): %s", cluster, e.getMessage());
            return DynamicConfig.DEFAULTS;
        }
    }

    private Optional<SyncSet> sync(ClusterSnapshot snapshot) {
        try {
            return snapshot.sync().map(SyncSet::fromJson);
        } catch (IllegalArgumentException e) {
            LOG.warnf("/sync of %s cannot be read: %s", cluster, e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<Switchover> switchover(ClusterSnapshot snapshot) {
        try {
            return snapshot.switchover().map(Switchover::fromJson);
        } catch (IllegalArgumentException e) {
            LOG.warnf("/switchover of %s cannot be read: %s", cluster, e.getMessage());
            return Optional.empty();
        }
    }

    private void publish(PghaEvent event) {
        events.publish(event).exceptionally(e -> {
            LOG.debugf("event %s not published: %s", event.getClass().getSimpleName(), e.getMessage());
            return null;
        });
    }

    /** For the status API. */
    Map<String, Object> state() {
        Map<String, Object> s = new HashMap<>();
        s.put("leads", leads());
        s.put("last_leader", lastLeader);
        return s;
    }
}
