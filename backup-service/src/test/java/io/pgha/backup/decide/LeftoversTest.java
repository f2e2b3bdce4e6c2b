package io.pgha.backup.decide;

import static io.pgha.backup.decide.Records.complete;
import static io.pgha.backup.decide.Records.failed;
import static io.pgha.backup.decide.Records.running;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LeftoversTest {
    @Test
    void runningRecordsWithoutALiveRunAndFoldersWithoutARecordAreLeftovers() {
        List<String> leftovers = Leftovers.find(
                List.of(complete("b1", 1, 1, 10), running("r2", 2), running("r3", 3), failed("f4", 4)),
                List.of("b1", "r2", "r3", "f4", "x5"),
                Set.of("r3"));

        assertThat(leftovers).containsExactly("r2", "x5");
    }

    @Test
    void theLiveRunsFolderIsNotALeftoverBeforeItsRecordIsWritten() {
        assertThat(Leftovers.find(List.of(), List.of("r9"), Set.of("r9"))).isEmpty();
    }

    @Test
    void completeAndFailedBackupsAreNeverLeftovers() {
        assertThat(Leftovers.find(List.of(complete("b1", 1, 1, 10), failed("f2", 2)), List.of("b1", "f2"), Set.of()))
                .isEmpty();
    }
}
