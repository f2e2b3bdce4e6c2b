package io.pgha.coordinator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgha.coordinator.decide.ClusterDecision;
import io.pgha.coordinator.decide.ClusterView;
import io.pgha.coordinator.decide.FailoverPolicy;
import io.pgha.coordinator.decide.MemberSnapshot;
import io.pgha.coordinator.decide.RequestValidation;
import io.pgha.coordinator.decide.Verdict;
import io.pgha.coordinator.run.Coordinator;
import io.pgha.coordinator.run.MemberSnapshots;
import io.pgha.core.DynamicConfig;
import io.pgha.core.Json;
import io.pgha.core.MemberStatus;
import io.pgha.core.Switchover;
import io.pgha.core.SyncSet;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.MemberEntry;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * The coordinator's REST API: status (what {@code patronictl list} shows), history, switchover,
 * manual failover, pause/resume and the dynamic config. Any replica answers; a manual failover of a
 * cluster without a leader is carried out by the replica that leads it (others answer 503 naming it).
 */
@Path("/api/v1/clusters")
@Produces(MediaType.APPLICATION_JSON)
public class ClustersResource {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ClustersResource.class);
    /** How often a request refused for a settling state is judged again. */
    private static final Duration SETTLE_POLL = Duration.ofMillis(200);

    @Inject
    Coordinator coordinator;

    @Inject
    StatusStream stream;

    @GET
    @Operation(summary = "The clusters found in etcd, with their leader and who coordinates them")
    public List<Map<String, Object>> clusters() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (String cluster : coordinator.store().clusters()) {
            list.add(ClusterStatus.summary(cluster, coordinator.store()::read, coordinator.store()::coordinatorOf));
        }
        return list;
    }

    @GET
    @Path("/{cluster}")
    @Operation(summary = "Members with role, state, host, port, timeline, lag and tags; pause; switchover")
    public Response cluster(@PathParam("cluster") String cluster) {
        ClusterSnapshot snapshot = existing(cluster);
        return Response.ok(
                        ClusterStatus.of(cluster, snapshot, coordinator.store().coordinatorOf(cluster)))
                .build();
    }

    /**
     * {@code pghactl remove}: wipes the cluster's keys from etcd, as Patroni's {@code patronictl remove}
     * does, whatever runs (the confirmations are the client's). Agents still running write their member
     * keys again, and a primary whose leader key vanished fences itself: stop the nodes first to
     * decommission a cluster; the answer says how many members were still registered.
     */
    @DELETE
    @Path("/{cluster}")
    @Operation(summary = "Removes the cluster's keys from etcd (patronictl remove); stop its nodes first")
    public Response remove(@PathParam("cluster") String cluster) {
        ClusterSnapshot snapshot = existing(cluster);
        int registered = snapshot.members().size();
        long deleted = coordinator.store().deleteCluster(cluster);
        LOG.warnf(
                "%s: removed from etcd by request (%d keys, %d members were registered, leader %s)",
                cluster,
                deleted,
                registered,
                snapshot.leader().map(l -> l.member()).orElse("none"));
        return Bodies.message(
                200,
                "removed cluster " + cluster + " from etcd (" + deleted + " keys)"
                        + (registered == 0
                                ? ""
                                : "; " + registered + " member(s) were registered: their agents write their keys"
                                        + " again while they run"));
    }

    @GET
    @Path("/{cluster}/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    @Operation(summary = "Server-sent events: the cluster's status and history, a frame on every change")
    public Multi<String> stream(@PathParam("cluster") String cluster) {
        existing(cluster);
        return stream.frames(cluster);
    }

    @GET
    @Path("/{cluster}/history")
    @Operation(summary = "Failovers and switchovers: [timeline, lsn, reason, time, new leader]")
    public Response history(@PathParam("cluster") String cluster) {
        ClusterSnapshot snapshot = existing(cluster);
        return Response.ok(snapshot.history().orElse("[]")).build();
    }

    @POST
    @Path("/{cluster}/switchover")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Planned switchover {leader, candidate?, scheduled_at?}: 200 done, 202 scheduled")
    public Response switchover(@PathParam("cluster") String cluster, String body) {
        ClusterSnapshot snapshot = existing(cluster);
        JsonNode request = Bodies.object(body, "leader", "candidate", "scheduled_at");
        String leader = Bodies.text(request, "leader");
        String candidate = Bodies.text(request, "candidate");
        String scheduledAt = Bodies.text(request, "scheduled_at");
        if (snapshot.switchover().isPresent()) {
            return Bodies.error(
                    409,
                    "a switchover is already in progress or scheduled: "
                            + snapshot.switchover().get() + " (DELETE it first)");
        }
        Validated checked = validated(
                cluster, snapshot, v -> RequestValidation.switchover(leader, candidate, scheduledAt, v, Instant.now()));
        ClusterView view = checked.view();
        Verdict verdict = checked.verdict();
        if (verdict instanceof Verdict.Rejected r) {
            return Bodies.error(r.status(), r.message());
        }
        String target = candidate;
        if (target == null || target.isBlank()) {
            target = io.pgha.coordinator.decide.CandidateRanking.rank(view.replicas(), view.policy())
                    .best()
                    .map(MemberSnapshot::name)
                    .orElseThrow();
        }
        if (verdict instanceof Verdict.Scheduled s) {
            Switchover key = new Switchover(leader, target, s.at().toString());
            if (!coordinator.store().compareAndPut(cluster, "switchover", key.toJson(), 0, 0)) {
                return Bodies.error(409, "a switchover was requested meanwhile");
            }
            return Bodies.message(202, "Switchover scheduled for " + s.at() + " from " + leader + " to " + target);
        }
        // poolers first: their running transactions finish and new ones wait before the leader stops
        long epoch = snapshot.leader().map(l -> l.modRevision()).orElse(0L);
        leaderChange().pausePoolers(cluster, epoch, leader, target);
        if (!coordinator.store().compareAndPut(cluster, "switchover", new Switchover(leader, target).toJson(), 0, 0)) {
            coordinator.publish(new io.pgha.events.ElectionEvent.SwitchoverFailed(
                    cluster, epoch, leader, target, "another switchover was requested meanwhile", Instant.now()));
            return Bodies.error(409, "a switchover was requested meanwhile");
        }
        return leaderChange().awaitLeader(cluster, leader, target, "switched over");
    }

    /**
     * Quorum commit without a leader promotes only the voter its rule proves to hold every acknowledged
     * commit (failover-coordinator's DESIGN.md, "Quorum commit"): a manual failover to a named member is
     * refused with 409 rather than risk an acknowledged commit. (With a leader it is a handover, as a
     * switchover is.)
     */
    private static Optional<Response> refusedInQuorumMode(ClusterSnapshot snapshot) {
        boolean quorum;
        try {
            quorum = DynamicConfig.fromJson(snapshot.config().orElse("{}")).synchronousQuorum();
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // an unreadable config was named by the validation
        }
        if (!quorum) {
            return Optional.empty();
        }
        return Optional.of(Bodies.error(409, ClusterDecision.QUORUM_MANUAL));
    }

    @DELETE
    @Path("/{cluster}/switchover")
    @Operation(summary = "Cancels a scheduled switchover")
    public Response cancelSwitchover(@PathParam("cluster") String cluster) {
        ClusterSnapshot snapshot = existing(cluster);
        Optional<Switchover> s = snapshot.switchover().map(Switchover::fromJson);
        if (s.isEmpty()) {
            return Bodies.error(404, "no switchover is scheduled for " + cluster);
        }
        if (!s.get().scheduled()) {
            return Bodies.error(
                    409, "the switchover to " + s.get().member() + " is already under way and cannot be cancelled");
        }
        if (!coordinator.store().compareAndDelete(cluster, "switchover", snapshot.revisionOf("switchover"), 0)) {
            return Bodies.error(409, "the switchover changed meanwhile; look again");
        }
        return Bodies.message(200, "scheduled switchover deleted");
    }

    @POST
    @Path("/{cluster}/failover")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Manual failover {candidate, ignore_lag?}: also without a leader or while paused")
    public Response failover(@PathParam("cluster") String cluster, String body) {
        ClusterSnapshot snapshot = existing(cluster);
        JsonNode request = Bodies.object(body, "candidate", "ignore_lag", "leader");
        String candidate = Bodies.text(request, "candidate");
        JsonNode ignore = request.path("ignore_lag");
        if (!ignore.isMissingNode() && !ignore.isBoolean()) {
            return Bodies.error(400, "ignore_lag must be true or false, got " + ignore);
        }
        boolean ignoreLag = ignore.asBoolean(false);
        Validated checked = validated(cluster, snapshot, v -> RequestValidation.failover(candidate, ignoreLag, v));
        ClusterView view = checked.view();
        Verdict verdict = checked.verdict();
        if (verdict instanceof Verdict.Rejected r) {
            return Bodies.error(r.status(), r.message());
        }
        String leader = view.leader();
        if (leader != null) {
            // a healthy leader hands over gracefully: no acknowledged commit is lost
            if (!coordinator
                    .store()
                    .compareAndPut(cluster, "switchover", new Switchover(leader, candidate).toJson(), 0, 0)) {
                return Bodies.error(409, "a switchover is already in progress or scheduled");
            }
            return leaderChange().awaitLeader(cluster, leader, candidate, "failed over");
        }
        Optional<Response> quorum = refusedInQuorumMode(snapshot);
        if (quorum.isPresent()) {
            return quorum.get();
        }
        Optional<java.util.concurrent.CompletableFuture<String>> done;
        try {
            done = coordinator.manualFailover(cluster, candidate, ignore.asBoolean(false));
        } catch (io.pgha.coordinator.run.ManualFailoverInFlight e) {
            return Bodies.error(409, e.getMessage());
        }
        if (done.isEmpty()) {
            return Bodies.error(
                    503,
                    "this replica (" + coordinator.name() + ") does not lead " + cluster + "; send the request to "
                            + coordinator.store().coordinatorOf(cluster).orElse("the leading replica"));
        }
        try {
            String failure = done.get()
                    .get(coordinator.config().coordinator().promoteTimeout().toMillis() * 3, TimeUnit.MILLISECONDS);
            if (failure != null) {
                return Bodies.error(412, "failover to " + candidate + " failed: " + failure);
            }
            long epoch = coordinator
                    .store()
                    .read(cluster)
                    .leader()
                    .map(l -> l.modRevision())
                    .orElse(0L);
            return leaderChange().routed(cluster, candidate, epoch, "failed over");
        } catch (Exception e) {
            return Bodies.error(503, "failover to " + candidate + " did not complete: " + e);
        }
    }

    @POST
    @Path("/{cluster}/pause")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Maintenance: no automatic failover until resume")
    public Response pause(@PathParam("cluster") String cluster) {
        return setPause(cluster, true);
    }

    @POST
    @Path("/{cluster}/resume")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Ends maintenance: automatic failover again")
    public Response resume(@PathParam("cluster") String cluster) {
        return setPause(cluster, false);
    }

    @GET
    @Path("/{cluster}/config")
    @Operation(summary = "The dynamic config in Patroni's shape; its ETag is the etcd revision for If-Match")
    public Response config(@PathParam("cluster") String cluster) {
        ClusterSnapshot snapshot = existing(cluster);
        ObjectNode effective = (ObjectNode) Json.MAPPER.valueToTree(ClusterStatus.config(snapshot));
        Bodies.merge(effective, Bodies.stored(snapshot));
        return Response.ok(effective.toString())
                .header("ETag", "\"" + snapshot.revisionOf("config") + "\"")
                .build();
    }

    @PATCH
    @Path("/{cluster}/config")
    @Consumes(MediaType.WILDCARD)
    @Operation(
            summary =
                    "Merges a JSON object into the dynamic config (null removes); validated; 409 on a concurrent change")
    public Response patchConfig(
            @PathParam("cluster") String cluster, @HeaderParam("If-Match") String ifMatch, String body) {
        return writeConfig(cluster, ifMatch, body, true);
    }

    @PUT
    @Path("/{cluster}/config")
    @Consumes(MediaType.WILDCARD)
    @Operation(
            summary = "Replaces the whole dynamic config (missing settings take their defaults); validated; 409 on a"
                    + " concurrent change")
    public Response putConfig(
            @PathParam("cluster") String cluster, @HeaderParam("If-Match") String ifMatch, String body) {
        return writeConfig(cluster, ifMatch, body, false);
    }

    // --- helpers ---

    /** PATCH (merge into the stored config) or PUT (replace it): validated, then compare-and-set. */
    private Response writeConfig(String cluster, String ifMatch, String body, boolean merge) {
        ClusterSnapshot snapshot = existing(cluster);
        JsonNode patch = Bodies.parse(body);
        if (!patch.isObject()) {
            return Bodies.error(400, "the body must be a JSON object of settings, e.g. {\"ttl\": 20}");
        }
        long revision = snapshot.revisionOf("config");
        if (ifMatch != null && !ifMatch.replace("\"", "").strip().equals(Long.toString(revision))) {
            return Bodies.error(
                    409,
                    "the config changed: its revision is " + revision + ", not " + ifMatch
                            + "; GET it again and retry");
        }
        ObjectNode merged = Bodies.nextConfig(Bodies.stored(snapshot), (ObjectNode) patch, merge);
        List<String> problems;
        try {
            problems = DynamicConfig.problemsIn(merged.toString());
        } catch (IllegalArgumentException e) {
            return Bodies.error(400, "invalid config: " + e.getMessage());
        }
        if (!problems.isEmpty()) {
            return Bodies.error(400, "invalid config: " + String.join("; ", problems));
        }
        if (!coordinator.store().compareAndPut(cluster, "config", merged.toString(), revision, 0)) {
            return Bodies.error(409, "the config was changed by someone else meanwhile; GET it again and retry");
        }
        return config(cluster);
    }

    // --- helpers ---

    private Response setPause(String cluster, boolean pause) {
        for (int attempt = 0; attempt < 5; attempt++) {
            ClusterSnapshot snapshot = existing(cluster);
            ObjectNode config = Bodies.stored(snapshot);
            config.put("pause", pause);
            if (coordinator
                    .store()
                    .compareAndPut(cluster, "config", config.toString(), snapshot.revisionOf("config"), 0)) {
                return Bodies.message(200, pause ? "Cluster is paused: no automatic failover" : "Cluster is resumed");
            }
        }
        return Bodies.error(409, "the config kept changing; try again");
    }

    private LeaderChange leaderChange() {
        return new LeaderChange(coordinator);
    }

    /** A request's verdict and the view it was judged on. */
    private record Validated(ClusterView view, Verdict verdict) {}

    /**
     * Judges a request by {@code rule}; while the refusal is one that settles by itself ({@link
     * Verdict.Rejected#settling()}: the candidate is restarting or its WAL receiver reconnecting, as right
     * after a switchover), reads the cluster and asks the agents again every {@link #SETTLE_POLL}, for up
     * to one ttl (the time every other rule gives a member before it counts as gone). Without this, a
     * switchover asked for right after another one was refused with 412 while the former primary was
     * still restarting as a standby or moving to the new timeline. A silent agent, a tag, lag or the
     * synchronous rule are answered at once.
     */
    private Validated validated(String cluster, ClusterSnapshot first, Function<ClusterView, Verdict> rule) {
        long started = System.nanoTime();
        long deadline = started + ClusterStatus.config(first).ttlDuration().toNanos();
        ClusterSnapshot snapshot = first;
        String waitedFor = null;
        while (true) {
            ClusterView view = view(cluster, snapshot);
            Verdict verdict = rule.apply(view);
            boolean settling = verdict instanceof Verdict.Rejected r && r.settling();
            if (!settling || System.nanoTime() - deadline >= 0) {
                if (waitedFor != null) {
                    LOG.infof(
                            "%s: a request refused for a settling state (%s) judged again for %d ms: %s",
                            cluster,
                            waitedFor,
                            (System.nanoTime() - started) / 1_000_000,
                            verdict instanceof Verdict.Rejected r
                                    ? (settling ? "still refused: " : "now refused: ") + r.message()
                                    : "now accepted");
                }
                return new Validated(view, verdict);
            }
            if (waitedFor == null) {
                waitedFor = ((Verdict.Rejected) verdict).message();
            }
            try {
                Thread.sleep(SETTLE_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Validated(view, verdict);
            }
            snapshot = existing(cluster);
        }
    }

    private ClusterView view(String cluster, ClusterSnapshot snapshot) {
        DynamicConfig config = ClusterStatus.config(snapshot);
        String leader = snapshot.leader().map(l -> l.member()).orElse(null);
        List<MemberSnapshot> members = MemberSnapshots.fetch(
                coordinator.agents(),
                coordinator.health(),
                coordinator.config().coordinator().healthViewMaxAge(),
                cluster,
                List.copyOf(snapshot.members().values()),
                Set.of(),
                Instant.now());
        Set<String> promotable = snapshot.sync()
                .map(SyncSet::fromJson)
                .filter(s -> leader == null || leader.equals(s.leader()))
                .map(s -> Set.copyOf(s.members()))
                .orElse(Set.of());
        io.pgha.events.Lsn leaderLsn = snapshot.leaderMember()
                .map(MemberEntry::status)
                .filter(Objects::nonNull)
                .map(MemberStatus::bestLsn)
                .orElse(null);
        FailoverPolicy policy = FailoverPolicy.automatic(
                config.maximumLagOnFailover(), leaderLsn, config.synchronousMode(), promotable);
        if (config.checkTimeline()) {
            long leaderTimeline = snapshot.leaderMember()
                    .map(MemberEntry::status)
                    .filter(Objects::nonNull)
                    .map(MemberStatus::timeline)
                    .orElse(0L);
            policy = policy.checkingTimeline(
                    io.pgha.coordinator.decide.LastTimeline.of(leaderTimeline, snapshot.history()));
        }
        return new ClusterView(cluster, leader, config.pause(), members, policy);
    }

    private ClusterSnapshot existing(String cluster) {
        try {
            io.pgha.core.EtcdLayout.requireName("cluster", cluster);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
        ClusterSnapshot snapshot = coordinator.store().read(cluster);
        if (snapshot.members().isEmpty()
                && snapshot.initialize().isEmpty()
                && snapshot.config().isEmpty()) {
            throw new ApiException(
                    404,
                    "no cluster " + cluster + " in etcd (known: "
                            + coordinator.store().clusters() + ")");
        }
        return snapshot;
    }
}
