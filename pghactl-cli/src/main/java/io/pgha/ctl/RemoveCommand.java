package io.pgha.ctl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pghactl remove}: wipe a cluster's state from etcd, after patronictl's three confirmations (the
 * cluster's name, "Yes I am aware", and the leader's name while there is a leader). No {@code --force},
 * as in patronictl: the answers may come from stdin.
 */
@Command(
        name = "remove",
        description = "Remove the cluster's keys from etcd (DELETE /api/v1/clusters/{cluster}) after three"
                + " confirmations; stop its nodes first (running agents register again).",
        mixinStandardHelpOptions = true,
        footerHeading = "%nExample:%n",
        footer = {
            "  pghactl remove old   # then type: old, Yes I am aware (and the leader's name if it has one)",
            "  printf 'old%nYes I am aware%n' | pghactl remove old   # answers from stdin"
        })
class RemoveCommand extends Verb {
    static final String AWARE = "Yes I am aware";

    @Parameters(index = "0", paramLabel = "CLUSTER", description = "The cluster to remove")
    String cluster;

    @Option(
            names = {"-f", "--format"},
            paramLabel = "FORMAT",
            defaultValue = "pretty",
            description = "The members table shown first: pretty, tsv, json or yaml")
    String format;

    /** One question, the answer it needs, and the failure for any other. */
    record Question(String prompt, String expected, String failure) {}

    /** patronictl remove's questions, in order: the third only while the cluster has a leader. */
    static List<Question> questions(String cluster, Optional<String> leader) {
        List<Question> questions = new ArrayList<>();
        questions.add(new Question(
                "Please confirm the cluster name to remove", cluster, "Cluster names specified do not match"));
        questions.add(new Question(
                "You are about to remove all information in DCS for " + cluster + ", please type: \"" + AWARE + "\"",
                AWARE,
                "You did not exactly type \"" + AWARE + "\""));
        leader.ifPresent(l -> questions.add(new Question(
                "This cluster currently is healthy. Please specify the leader name to continue",
                l,
                "You did not specify the current leader of the cluster")));
        return questions;
    }

    @Override
    public Integer call() {
        Table.Format chosen = Table.Format.parse(format);
        String name = cluster(cluster);
        ClusterView view = view(name);
        out().print(MemberRows.table(view, false, Map.of(), false, chosen != Table.Format.PRETTY)
                .render(chosen));
        for (Question q : questions(name, view.leader())) {
            if (!prompter().text(q.prompt()).strip().equals(q.expected())) {
                throw CtlException.failed(q.failure() + "; nothing removed");
            }
        }
        Api.Answer answer = api().coordinator("DELETE", API + "/" + name, null, Map.of(), Duration.ofSeconds(30));
        require(answer, "remove cluster " + name);
        out().println("Success: " + answer.reason());
        return ExitCode.OK;
    }
}
