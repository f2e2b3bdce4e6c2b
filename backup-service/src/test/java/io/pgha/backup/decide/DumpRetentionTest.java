package io.pgha.backup.decide;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DumpRetentionTest {
    private static DumpRetention.Run run(String id, String state) {
        return new DumpRetention.Run(id, state);
    }

    @Test
    void keepsTheNewestCompleteRunsAndDropsOlderFailures() {
        List<DumpRetention.Run> runs = List.of(
                run("d1", "COMPLETE"),
                run("d2", "FAILED"),
                run("d3", "COMPLETE"),
                run("d4", "COMPLETE"),
                run("d5", "FAILED"));

        assertThat(DumpRetention.remove(runs, 2, null)).containsExactly("d1", "d2");
    }

    @Test
    void abandonedRunsGoTheLiveOneStays() {
        List<DumpRetention.Run> runs = List.of(run("d1", "RUNNING"), run("d2", "COMPLETE"), run("d3", "RUNNING"));

        assertThat(DumpRetention.remove(runs, 5, "d3")).containsExactly("d1");
    }

    @Test
    void withoutACompleteRunFailuresStayForTheRecord() {
        assertThat(DumpRetention.remove(List.of(run("d1", "FAILED")), 1, null)).isEmpty();
    }
}
