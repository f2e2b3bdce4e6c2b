package io.pgha.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.system.BackupBenchReport.ArchiveSample;
import io.pgha.system.BackupBenchReport.BackupSample;
import io.pgha.system.BackupBenchReport.Setup;
import io.pgha.system.FailoverBenchReport.Machine;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackupBenchReportTest {
    private static final Setup SETUP = new Setup(
            3,
            130,
            2_000L * 1024 * 1024,
            64,
            4,
            "pg_basebackup and BackupFiles",
            List.of("pgha", "pgBackRest"),
            List.of("pgha", "pgBackRest", "plain pg_basebackup"));
    private static final Machine MACHINE = new Machine(
            2,
            "AMD EPYC",
            24_000,
            "PostgreSQL 15",
            "2026-12-01 18:00:00 UTC",
            "2026-12-01 18:30:00 UTC",
            "median 1.9",
            "./mvnw verify -Dit.test=BackupBenchIT");

    private static ArchiveSample archive(String system, int run, long segments, double seconds, int backlog) {
        return new ArchiveSample(system, run, segments, seconds, backlog, 20, 1.5, 0, Optional.empty());
    }

    private static BackupSample backup(String system, int run, double backup, double restore) {
        return new BackupSample(system, run, backup, restore, 100L * 1024 * 1024, Optional.empty());
    }

    @Test
    void medianOfOddAndEvenCountsIgnoresNaN() {
        assertThat(BackupBenchReport.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(BackupBenchReport.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
        assertThat(BackupBenchReport.median(List.of(Double.NaN, 5.0))).isEqualTo(5.0);
        assertThat(BackupBenchReport.median(List.of())).isNaN();
    }

    @Test
    void failedRunsCountInNoMedian() {
        List<BackupSample> samples = List.of(
                backup("pgha", 1, 10, 20),
                backup("pgha", 2, 30, 40),
                new BackupSample("pgha", 3, 0, 0, 0, Optional.of("boom")),
                backup("pgBackRest", 1, 99, 99));
        assertThat(BackupBenchReport.backupMedian(samples, "pgha", BackupSample::restoreSeconds))
                .isEqualTo(30.0);
        assertThat(BackupBenchReport.backupMedian(samples, "plain pg_basebackup", BackupSample::restoreSeconds))
                .isNaN();
    }

    @Test
    void segmentsPerSecondIsSegmentsOverTheArchivingTime() {
        assertThat(archive("pgha", 1, 64, 16, 3).segmentsPerSecond()).isEqualTo(4.0);
        assertThat(archive("pgha", 1, 64, 0, 3).segmentsPerSecond()).isNaN();
    }

    @Test
    void rendersMediansRatiosAndEveryRun() {
        List<ArchiveSample> archive = List.of(
                archive("pgha", 1, 64, 16, 3),
                archive("pgBackRest", 1, 64, 32, 10),
                archive("pgha", 2, 64, 8, 5),
                archive("pgBackRest", 2, 64, 32, 12),
                archive("pgha", 3, 64, 32, 1),
                archive("pgBackRest", 3, 64, 16, 8));
        List<BackupSample> backups = List.of(
                backup("pgha", 1, 60, 50),
                backup("pgBackRest", 1, 70, 40),
                backup("plain pg_basebackup", 1, 30, 20),
                backup("pgha", 2, 62, 52),
                backup("pgBackRest", 2, 72, 42),
                backup("plain pg_basebackup", 2, 31, 21),
                backup("pgha", 3, 64, 54),
                backup("pgBackRest", 3, 74, 44),
                backup("plain pg_basebackup", 3, 32, 22));
        String verdict = BackupBenchReport.verdict(SETUP, archive, backups);
        String md = BackupBenchReport.render(SETUP, archive, backups, MACHINE, List.of(), verdict);

        assertThat(md).startsWith(BackupBenchReport.HEADING + "\n");
        assertThat(md).doesNotContain("Partial results");
        // pgha: 4, 8, 2 segments/s -> median 4.00, backlog median 3, max 5
        assertThat(md).contains("| pgha | 3 | 4.00 | 64.0 | 3.0 | 5 | 1.5 s | 20.0 s | 0 |");
        // pgBackRest: 2, 2, 4 -> median 2.00
        assertThat(md).contains("| pgBackRest | 3 | 2.00 | 64.0 | 10.0 | 12 | 1.5 s | 20.0 s | 0 |");
        assertThat(md).contains("| pgha | 3 | 62.0 s | 52.0 s | 100 MiB |");
        assertThat(md).contains("| plain pg_basebackup | 3 | 31.0 s | 21.0 s | 100 MiB |");
        assertThat(md).contains("archive throughput ≥ pgBackRest's: **met**, pgha 4.00 segments/s vs pgBackRest 2.00");
        assertThat(md).contains("restore time ≤ pgBackRest's: **missed**, pgha 52.0 s vs pgBackRest 42.0 s");
        assertThat(md).contains("| archive | pgha | 2 | 64 segments in 8.0 s (8.00/s)");
        assertThat(md).contains("./mvnw verify -Dit.test=BackupBenchIT");
        assertThat(md).contains("median 1.9");
    }

    @Test
    void aPartialRunSaysSoAndAFailedRunShowsItsError() {
        List<ArchiveSample> archive = List.of(
                new ArchiveSample("pgha", 1, 0, 0, 0, 0, 0, 0, Optional.of("IllegalStateException: no | pipe")));
        String md = BackupBenchReport.render(SETUP, archive, List.of(), MACHINE, List.of("pgha did not archive"), "");
        assertThat(md).contains("**Partial results**: 1 of 15 planned runs");
        assertThat(md).contains("**Note**: pgha did not archive");
        assertThat(md).contains("| archive | pgha | 1 | failed: IllegalStateException: no / pipe |");
        assertThat(BackupBenchReport.verdict(SETUP, archive, List.of()))
                .contains("archive throughput ≥ pgBackRest's: not measured (no completed run on pgha)");
    }

    @Test
    void replacesOnlyItsOwnSection() {
        String document = "# Benchmarks\n\n## Failover: pgha vs Patroni\n\nold failover\n\n" + BackupBenchReport.HEADING
                + "\n\nold backups\n```\n## not a heading\n```\n\n## After\n\nkept\n";
        String replaced = BackupBenchReport.replaceSection(document, BackupBenchReport.HEADING + "\n\nnew backups\n");
        assertThat(replaced)
                .isEqualTo("# Benchmarks\n\n## Failover: pgha vs Patroni\n\nold failover\n\n"
                        + BackupBenchReport.HEADING + "\n\nnew backups\n\n## After\n\nkept\n");
        String appended = BackupBenchReport.replaceSection("# Benchmarks\n", "## Backups: pgha vs pgBackRest\n\nx\n");
        assertThat(appended).isEqualTo("# Benchmarks\n\n## Backups: pgha vs pgBackRest\n\nx\n");
    }
}
