package io.pgha.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** patronictl remove's confirmations: the cluster's name, the phrase, and the leader's name if any. */
class RemoveCommandTest {
    @Test
    void withoutALeaderTheNameAndThePhraseAreAsked() {
        assertThat(RemoveCommand.questions("old", Optional.empty()))
                .extracting(RemoveCommand.Question::expected)
                .containsExactly("old", "Yes I am aware");
        assertThat(RemoveCommand.questions("old", Optional.empty()).get(1).prompt())
                .isEqualTo("You are about to remove all information in DCS for old, please type: \"Yes I am aware\"");
    }

    @Test
    void whileThereIsALeaderItsNameIsAskedToo() {
        assertThat(RemoveCommand.questions("pgha", Optional.of("pg-1")))
                .extracting(RemoveCommand.Question::expected, RemoveCommand.Question::failure)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("pgha", "Cluster names specified do not match"),
                        org.assertj.core.groups.Tuple.tuple(
                                "Yes I am aware", "You did not exactly type \"Yes I am aware\""),
                        org.assertj.core.groups.Tuple.tuple(
                                "pg-1", "You did not specify the current leader of the cluster"));
    }
}
