package io.pgha.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HistoryCommandTest {
    @Test
    void historyRowsAreTimelineLsnReasonTimeAndNewLeader() {
        String text = HistoryCommand.table(Json.read(
                        "[[1,50331808,\"switchover from pg-0 to pg-1\",\"2026-12-02T10:00:00Z\",\"pg-1\"],[2,67108864,\"x\"]]",
                        "test"))
                .render(Table.Format.PRETTY);
        assertThat(text.lines().toList())
                .containsExactly(
                        "+----+----------+------------------------------+----------------------+------------+",
                        "| TL | LSN      | Reason                       | Timestamp            | New Leader |",
                        "+----+----------+------------------------------+----------------------+------------+",
                        "|  1 | 50331808 | switchover from pg-0 to pg-1 | 2026-12-02T10:00:00Z | pg-1       |",
                        "|  2 | 67108864 | x                            |                      |            |",
                        "+----+----------+------------------------------+----------------------+------------+");
    }

    @Test
    void postgresVersionsReadAsPatroniShowsThem() {
        assertThat(VersionCommand.postgres(150010)).isEqualTo("15.10");
        assertThat(VersionCommand.postgres(0)).isEqualTo("?");
    }
}
