package io.pgha.ctl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** switchover and failover: patronictl's flow (show the members, check, ask, send, show them again). */
abstract class LeaderChange extends Verb {
    /** How long a switchover or failover may take to answer: the coordinator waits for the new routing. */
    static final Duration TIMEOUT = Duration.ofSeconds(120);

    @Mixin
    ClusterArgument cluster;

    @Option(names = "--candidate", paramLabel = "MEMBER", description = "The replica to promote (default: the best)")
    String candidate;

    @Option(names = "--force", description = "Do not ask")
    boolean force;

    /** {@code switchover} or {@code failover}: the verb and the API's path. */
    abstract String action();

    /** {@code --leader}, null when not given (and for a failover). */
    abstract String leader();

    /** {@code --scheduled}, null when not given (and for a failover). */
    abstract String scheduled();

    @Override
    public Integer call() {
        String name = cluster(cluster.name);
        ClusterView view = view(name);
        out().println("Current cluster topology");
        printList(view);
        Optional<String> current = view.leader();
        boolean switchover = action().equals("switchover");
        String from = null;
        if (switchover) {
            if (current.isEmpty()) {
                throw CtlException.failed("This cluster has no leader: use pghactl failover --candidate MEMBER");
            }
            from = leader() != null
                    ? leader()
                    : force ? current.get() : prompter().ask("Primary", current.get());
            if (!from.equals(current.get())) {
                view.select(List.of(from), ClusterView.Role.ANY); // an unknown name lists the members
                throw CtlException.failed("Member " + from + " is not the leader of cluster " + name + " (the leader"
                        + " is " + current.get() + ")");
            }
        }
        List<String> candidates = view.members().stream()
                .filter(m -> !m.leader())
                .filter(m -> !Boolean.TRUE.equals(m.tags().get("nofailover")))
                .map(ClusterView.Member::name)
                .sorted()
                .toList();
        if (candidates.isEmpty()) {
            throw CtlException.failed("No candidates found to " + action() + " to");
        }
        String to = candidate;
        if (to == null && !force) {
            to = prompter().ask("Candidate " + candidates, "");
        }
        if (to != null && to.isBlank()) {
            to = null;
        }
        if (!switchover && to == null) {
            throw CtlException.usage("Failover could be performed only to a specific candidate: --candidate MEMBER");
        }
        if (to != null && !candidates.contains(to)) {
            if (current.isPresent() && to.equals(current.get())) {
                throw CtlException.failed("Member " + to + " is already the leader of cluster " + name);
            }
            view.select(List.of(to), ClusterView.Role.ANY);
            throw CtlException.failed("Member " + to + " cannot be a candidate of cluster " + name
                    + " (tagged nofailover); candidates: " + String.join(", ", candidates));
        }
        Optional<OffsetDateTime> at = Optional.empty();
        if (switchover) {
            String when = scheduled();
            if (when == null && !force) {
                when = prompter()
                        .ask(
                                "When should the switchover take place (e.g. "
                                        + OffsetDateTime.now()
                                                .plusHours(1)
                                                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm"))
                                        + ")",
                                "now");
            }
            at = Schedule.parse(when, ZoneId.systemDefault(), Instant.now());
            if (at.isPresent() && view.paused()) {
                throw CtlException.failed("Can't schedule switchover in the paused state");
            }
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        if (from != null) {
            body.put("leader", from);
        }
        if (to != null) {
            body.put("candidate", to);
        }
        at.ifPresent(t -> body.put("scheduled_at", t.toString()));
        if (!force) {
            String demote = current.map(l -> ", demoting current leader " + l).orElse("");
            String question = at.isPresent()
                    ? "Are you sure you want to schedule switchover of cluster " + name + " at " + at.get() + demote
                            + "?"
                    : "Are you sure you want to " + action() + " cluster " + name + demote + "?";
            if (!prompter().confirm(question)) {
                throw CtlException.failed("Aborting " + (at.isPresent() ? "scheduled " : "") + action());
            }
        }
        Api.Answer answer =
                api().coordinator("POST", API + "/" + name + "/" + action(), body.toString(), Map.of(), TIMEOUT);
        if (!answer.ok()) {
            throw CtlException.failed(
                    capitalized(action()) + " failed, details: " + answer.status() + ", " + answer.reason());
        }
        out().println(OffsetDateTime.now().withNano(0) + " " + answer.reason());
        printList(view(name));
        return ExitCode.OK;
    }

    private void printList(ClusterView view) {
        out().print(MemberRows.table(view, false, Map.of(), false, false).render(Table.Format.PRETTY));
        out().print(MemberRows.footer(view));
        out().flush();
    }

    private static String capitalized(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }
}
