package io.pgha.coordinator.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgha.core.DynamicConfig;
import io.pgha.core.Json;
import io.pgha.core.MemberStatus;
import io.pgha.core.SyncSet;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.events.ElectionEvent;
import io.pgha.events.ElectionEvent.Exclusion;
import io.pgha.events.Lsn;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * {@code /status} (the leader's last position, the last failover's outcome) and {@code /history}
 * (Patroni's rows), each written under the election key.
 */
final class StatusWriter {
    private static final Logger LOG = Logger.getLogger(StatusWriter.class);

    private final ClusterContext ctx;
    private final LeaderMemory memory;
    private String lastFailureReport;
    private String lastFailureMessage;
    private long statusWrittenNanos;
    private Lsn statusWritten;

    StatusWriter(ClusterContext ctx, LeaderMemory memory) {
        this.ctx = ctx;
        this.memory = memory;
    }

    /** Says the next failure again (a new leadership, or a failover that found candidates). */
    void forgetReportedFailure() {
        lastFailureReport = null;
    }

    /** Starts a new failover: no failure message yet. */
    void forgetFailureMessage() {
        lastFailureMessage = null;
    }

    /** The last failure's outcome with every exclusion, for a manual failover's answer; null if none. */
    String lastFailureMessage() {
        return lastFailureMessage;
    }

    /** Records a failover's outcome in {@code /status}; a failure is also logged and published once. */
    void report(String what, String leader, String outcome, List<Exclusion> excluded, String result) {
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
            LOG.warnf("%s of %s: %s; excluded: %s", what, ctx.cluster, outcome, excluded);
            ctx.publish(new ElectionEvent.FailoverFailed(
                    ctx.cluster, memory.lastEpoch, memory.lastLeader, null, outcome, excluded, ctx.clock.instant()));
        }
        ObjectNode status = statusNode(ctx.store.read(ctx.cluster));
        ObjectNode last = status.putObject("last_failover");
        last.put("kind", what);
        last.put("result", result);
        last.put("outcome", outcome);
        last.put("at", ctx.clock.instant().toString());
        if (leader != null) {
            last.put("leader", leader);
        }
        ArrayNode list = last.putArray("excluded");
        for (Exclusion e : excluded) {
            list.addObject().put("member", e.member()).put("reason", e.reason());
        }
        writeStatusNode(status);
    }

    /** Keeps the leader's last position in {@code /status} (at most once a second). */
    void writeOptime(ClusterSnapshot snapshot) {
        Lsn lsn = memory.lastLeaderLsn;
        if (lsn == null || lsn.equals(statusWritten)) {
            return;
        }
        if (ctx.nanos() - statusWrittenNanos < TimeUnit.SECONDS.toNanos(1)) {
            return;
        }
        ObjectNode status = statusNode(snapshot);
        status.put("optime", lsn.value());
        status.put("leader", memory.lastLeader); // remembered for a cold start
        if (writeStatusNode(status)) {
            statusWritten = lsn;
            statusWrittenNanos = ctx.nanos();
        }
    }

    /** The leader position {@code /status} keeps, or null (a replica that took over in the middle). */
    static Lsn optime(ClusterSnapshot snapshot) {
        JsonNode optime = statusNode(snapshot).path("optime");
        return optime.isIntegralNumber() ? new Lsn(optime.asLong()) : null;
    }

    /**
     * The last leader etcd remembers: {@code /sync}'s leader in synchronous mode (it acknowledged
     * commits only with its set), else {@code /status}'s, else the newest {@code /history} row's.
     */
    static String recordedLeader(ClusterSnapshot snapshot, DynamicConfig config, Optional<SyncSet> sync) {
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

    /** Appends Patroni's history row: [timeline, lsn, reason, time, new leader]. */
    void appendHistory(String former, String leader, String what, MemberStatus promoted) {
        for (int attempt = 0; attempt < 3; attempt++) {
            ClusterSnapshot now = ctx.store.read(ctx.cluster);
            ArrayNode history;
            try {
                JsonNode node = Json.MAPPER.readTree(now.history().orElse("[]"));
                history = node instanceof ArrayNode a ? a : Json.MAPPER.createArrayNode();
            } catch (Exception e) {
                history = Json.MAPPER.createArrayNode();
            }
            ArrayNode row = history.addArray();
            row.add(Math.max(0, promoted.timeline() - 1));
            row.add(memory.lastLeaderLsn == null ? 0 : memory.lastLeaderLsn.value());
            row.add(what + (former == null ? "" : " from " + former) + " to " + leader);
            row.add(ctx.clock.instant().toString());
            row.add(leader);
            if (ctx.store.compareAndPut(
                    ctx.cluster, "history", history.toString(), now.revisionOf("history"), ctx.electionRevision())) {
                return;
            }
        }
        LOG.warnf("could not append the history of %s", ctx.cluster);
    }

    private static ObjectNode statusNode(ClusterSnapshot snapshot) {
        try {
            JsonNode node = Json.MAPPER.readTree(snapshot.status().orElse("{}"));
            return node instanceof ObjectNode o ? o : Json.MAPPER.createObjectNode();
        } catch (Exception e) {
            return Json.MAPPER.createObjectNode();
        }
    }

    private boolean writeStatusNode(ObjectNode status) {
        ClusterSnapshot now = ctx.store.read(ctx.cluster);
        ObjectNode merged = statusNode(now);
        merged.setAll(status);
        return ctx.store.compareAndPut(
                ctx.cluster, "status", merged.toString(), now.revisionOf("status"), ctx.electionRevision());
    }
}
