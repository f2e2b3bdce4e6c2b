package io.pgha.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code pghactl status}: the cluster in sections, as CloudNativePG's {@code kubectl cnpg status}: cluster
 * summary (coordinator), continuous backup (backup-service), streaming replication (the agents' {@code
 * /patroni}), active alerts (alert-service). A service that does not answer is named in its section.
 */
@Command(
        name = "status",
        description = "The cluster in sections: summary, continuous backup, streaming replication, active alerts"
                + " (coordinator, backup-service, agents, alert-service; one that does not answer is shown as such).",
        mixinStandardHelpOptions = true,
        footerHeading = "%nExample:%n",
        footer = {"  pghactl status pgha"})
class StatusCommand extends ServiceVerb {
    @Mixin
    ClusterArgument cluster;

    /** A source's answer or why there is none. */
    record Outcome(Optional<JsonNode> value, String error) {
        static Outcome of(JsonNode value) {
            return new Outcome(Optional.of(value), null);
        }

        static Outcome failed(String error) {
            return new Outcome(Optional.empty(), error);
        }
    }

    @Override
    int run() {
        String name = cluster(cluster.name);
        String base = API + "/" + name;
        Outcome view = outcome(() -> answer(api().get(base), "the cluster view"));
        Map<String, Outcome> patroni = new LinkedHashMap<>();
        view.value().ifPresent(v -> ClusterView.of(v)
                .members()
                .forEach(m -> patroni.put(
                        m.name(),
                        outcome(() -> answer(
                                api().agent(m.name(), m.apiUrl(), "GET", "/patroni", null, Duration.ofSeconds(3)),
                                "GET /patroni")))));
        Outcome backup = outcome(() -> answer(
                call(ServiceUrls.Service.BACKUP, name, "GET", base + "/status", null), "backup-service's status"));
        Outcome backups = outcome(() -> answer(
                call(ServiceUrls.Service.BACKUP, name, "GET", base + "/backups", null), "backup-service's list"));
        Outcome alerts = outcome(() -> answer(
                call(ServiceUrls.Service.ALERTS, name, "GET", base + "/alerts", null), "alert-service's alerts"));
        out().print(render(name, view, patroni, backup, backups, alerts, Instant.now()));
        return ExitCode.OK;
    }

    private static JsonNode answer(Api.Answer answer, String what) {
        if (!answer.ok()) {
            throw CtlException.failed(answer.status() + " from " + answer.uri() + ": " + answer.reason());
        }
        return Json.read(answer.body(), what);
    }

    private static Outcome outcome(Supplier<JsonNode> read) {
        try {
            return Outcome.of(read.get());
        } catch (CtlException e) {
            return Outcome.failed(e.getMessage());
        }
    }

    // --- rendering (pure) ---

    static String render(
            String name,
            Outcome view,
            Map<String, Outcome> patroni,
            Outcome backup,
            Outcome backups,
            Outcome alerts,
            Instant now) {
        StringBuilder out = new StringBuilder();
        summary(out, name, view);
        continuousBackup(out, backup, backups, now);
        replication(out, view, patroni);
        alerts(out, alerts);
        return out.toString();
    }

    private static void heading(StringBuilder out, String title) {
        if (out.length() > 0) {
            out.append('\n');
        }
        out.append(title).append('\n');
    }

    private static void line(StringBuilder out, String label, Object value) {
        out.append(String.format("%-32s %s%n", label + ":", value == null ? "-" : value));
    }

    private static void unavailable(StringBuilder out, String who, Outcome o) {
        out.append(who).append(" did not answer: ").append(o.error()).append('\n');
    }

    static void summary(StringBuilder out, String name, Outcome view) {
        heading(out, "Cluster Summary");
        line(out, "Name", name);
        if (view.value().isEmpty()) {
            unavailable(out, "The coordinator", view);
            return;
        }
        JsonNode v = view.value().get();
        ClusterView c = ClusterView.of(v);
        String leader = c.leader().orElse("none");
        Optional<ClusterView.Member> leaderMember =
                c.members().stream().filter(m -> m.name().equals(leader)).findFirst();
        line(
                out,
                "Primary",
                leader
                        + leaderMember
                                .flatMap(ClusterView.Member::timeline)
                                .map(t -> " (timeline " + t + ")")
                                .orElse(""));
        line(out, "Epoch", v.path("epoch").asText("-"));
        line(out, "Mode", c.paused() ? "paused (maintenance mode: no automatic failover)" : "automatic failover");
        JsonNode sync = v.path("synchronous");
        line(
                out,
                "Synchronous replication",
                sync.path("mode").asBoolean()
                        ? "on" + (sync.path("strict").asBoolean() ? ", strict" : "") + " (may be promoted: "
                                + join(sync.path("promotable")) + ")"
                        : "off");
        long healthy = c.members().stream()
                .filter(m -> m.state().equals("running") || m.state().equals("streaming"))
                .count();
        line(out, "Instances", c.members().size() + " (" + healthy + " running or streaming)");
        line(out, "Coordinated by", c.coordinator().orElse("no coordinator leads it"));
        JsonNode last = v.path("last_failover");
        if (last.isObject()) {
            line(out, "Last failover", Table.cell(Json.plain(last)));
        }
        for (JsonNode p : v.path("problems")) {
            line(out, "Problem", p.asText());
        }
    }

    static void continuousBackup(StringBuilder out, Outcome backup, Outcome backups, Instant now) {
        heading(out, "Continuous Backup");
        if (backup.value().isEmpty()) {
            unavailable(out, "backup-service", backup);
            return;
        }
        JsonNode s = backup.value().get();
        String first = backups.value()
                .flatMap(list -> {
                    for (JsonNode b : list) {
                        if (b.path("state").asText().equals("COMPLETE")) {
                            return Optional.of(b.path("stopped_at")
                                    .asText(b.path("completed_at").asText()));
                        }
                    }
                    return Optional.<String>empty();
                })
                .orElse(backups.value().isPresent() ? "none (no complete backup)" : "unknown: " + backups.error());
        line(out, "First point of recoverability", first);
        JsonNode lastBackup = s.path("last_backup");
        line(
                out,
                "Last backup",
                lastBackup.isObject()
                        ? lastBackup.path("id").asText() + " (completed "
                                + lastBackup.path("completed_at").asText() + ", from "
                                + lastBackup.path("member").asText() + ")"
                        : "none");
        if (s.hasNonNull("running_backup")) {
            line(out, "Running backup", s.path("running_backup").asText());
        }
        if (s.hasNonNull("last_failure")) {
            line(out, "Last backup failure", s.path("last_failure").asText());
        }
        line(out, "Next scheduled backup", s.path("next_scheduled").asText("-"));
        JsonNode archiving = s.path("archiving");
        JsonNode a = archiving.path("status");
        line(
                out,
                "Working WAL archiving",
                archivingWorks(a)
                        + (archiving.hasNonNull("member")
                                ? " (on " + archiving.path("member").asText() + ")"
                                : ""));
        line(
                out,
                "Last archived WAL",
                a.hasNonNull("last_archived_wal")
                        ? a.path("last_archived_wal").asText() + " @ "
                                + a.path("last_archived_at").asText()
                        : "-");
        line(
                out,
                "Last failed WAL",
                a.hasNonNull("last_failed_wal")
                        ? a.path("last_failed_wal").asText() + " @ "
                                + a.path("last_failed_at").asText()
                                + (a.hasNonNull("last_failure")
                                        ? ": " + a.path("last_failure").asText()
                                        : "")
                        : "-");
        JsonNode drill = s.path("last_drill");
        if (drill.isObject()) {
            line(
                    out,
                    "Last restore drill",
                    (drill.path("ok").asBoolean()
                                    ? "OK"
                                    : "FAILED: " + drill.path("reason").asText()) + " at "
                            + drill.path("at").asText() + " (backup "
                            + drill.path("backup_id").asText() + ")");
            line(
                    out,
                    "Drill RTO / RPO",
                    seconds(drill.path("rto_seconds")) + " / " + seconds(drill.path("rpo_seconds")));
        } else {
            line(out, "Last restore drill", "none yet");
        }
    }

    /** CloudNativePG's rule: working when the last archived WAL is newer than the last failure. Pure. */
    static String archivingWorks(JsonNode a) {
        if (a == null || a.isMissingNode() || a.isNull()) {
            return "unknown (the primary reports no archiver state)";
        }
        if (a.hasNonNull("conflict")) {
            return "FAILING: " + a.path("conflict").asText();
        }
        if (!a.hasNonNull("last_failed_at")) {
            return a.hasNonNull("last_archived_at") ? "OK" : "nothing archived yet";
        }
        if (!a.hasNonNull("last_archived_at")) {
            return "FAILING";
        }
        try {
            return Instant.parse(a.path("last_archived_at").asText())
                            .isAfter(Instant.parse(a.path("last_failed_at").asText()))
                    ? "OK"
                    : "FAILING";
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    static final List<String> REPLICATION =
            List.of("Name", "State", "Sync state", "Received lag (bytes)", "Replayed lag (bytes)", "Replay paused");

    static void replication(StringBuilder out, Outcome view, Map<String, Outcome> patroni) {
        heading(out, "Streaming Replication");
        if (view.value().isEmpty()) {
            out.append("unknown: the coordinator did not answer\n");
            return;
        }
        ClusterView c = ClusterView.of(view.value().get());
        Optional<String> leader = c.leader();
        Optional<JsonNode> primary = leader.map(patroni::get).flatMap(o -> o == null ? Optional.empty() : o.value());
        Long primaryLsn = primary.map(p -> p.path("xlog").path("location"))
                .filter(JsonNode::isNumber)
                .map(JsonNode::asLong)
                .orElse(null);
        Map<String, String> syncStates = new LinkedHashMap<>();
        primary.ifPresent(p -> p.path("replication")
                .forEach(r -> syncStates.put(
                        r.path("application_name").asText(),
                        r.path("sync_state").asText())));
        List<List<Object>> rows = new ArrayList<>();
        List<String> silent = new ArrayList<>();
        for (ClusterView.Member m : c.members()) {
            if (m.leader()) {
                continue;
            }
            Outcome o = patroni.get(m.name());
            if (o == null || o.value().isEmpty()) {
                silent.add(m.name() + (o == null ? "" : ": " + o.error()));
                rows.add(List.of(m.name(), m.state(), syncStates.getOrDefault(m.name(), "-"), "?", "?", "?"));
                continue;
            }
            JsonNode x = o.value().get().path("xlog");
            rows.add(List.of(
                    m.name(),
                    o.value().get().path("replication_state").asText(m.state()),
                    syncStates.getOrDefault(m.name(), "-"),
                    lag(primaryLsn, x.path("received_location")),
                    lag(primaryLsn, x.path("replayed_location")),
                    x.path("paused").asBoolean() ? "yes" : "no"));
        }
        if (leader.isEmpty()) {
            out.append("no primary\n");
        } else if (primary.isEmpty()) {
            out.append("the primary's agent (" + leader.get() + ") did not answer: lags unknown\n");
        }
        if (rows.isEmpty()) {
            out.append("no replicas\n");
        } else {
            out.append(new Table(null, REPLICATION, Set.of("Received lag (bytes)", "Replayed lag (bytes)"), rows)
                    .render(Table.Format.PRETTY));
        }
        for (String s : silent) {
            out.append("agent did not answer: ").append(s).append('\n');
        }
    }

    private static Object lag(Long primary, JsonNode at) {
        if (primary == null || !at.isNumber()) {
            return "?";
        }
        return Math.max(0, primary - at.asLong());
    }

    static void alerts(StringBuilder out, Outcome alerts) {
        heading(out, "Active Alerts");
        if (alerts.value().isEmpty()) {
            unavailable(out, "alert-service", alerts);
            return;
        }
        JsonNode list = alerts.value().get().path("alerts");
        if (list.isEmpty()) {
            out.append("none\n");
        } else {
            out.append(AlertsCommand.table(list).render(Table.Format.PRETTY));
        }
    }

    private static String seconds(JsonNode n) {
        return n.isNumber() ? String.format("%.1f s", n.asDouble()) : "-";
    }

    private static String join(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(n.asText()));
        return names.isEmpty() ? "none" : String.join(", ", names);
    }
}
