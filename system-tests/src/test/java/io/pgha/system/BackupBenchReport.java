package io.pgha.system;

import io.pgha.system.FailoverBenchReport.Machine;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;

/**
 * Turns {@link BackupBenchIT}'s samples into the "Backups: pgha vs pgBackRest" section of
 * docs/benchmarks.md, and puts that section into the document in place of the old one. Pure: no file,
 * no clock.
 */
final class BackupBenchReport {
    static final String HEADING = "## Backups: pgha vs pgBackRest";

    /**
     * One archive run: {@code segments} WAL segments archived from the first {@code .ready} file seen to
     * the last segment of the load archived ({@code seconds}); the most {@code .ready} files waiting at
     * once; how long the load ran and how long after it ended the archive caught up; archiver failures
     * ({@code pg_stat_archiver.failed_count}) meanwhile. {@code error}: the run did not complete.
     */
    record ArchiveSample(
            String system,
            int run,
            long segments,
            double seconds,
            int maxBacklog,
            double loadSeconds,
            double drainSeconds,
            long failures,
            Optional<String> error) {
        double segmentsPerSecond() {
            return seconds <= 0 ? Double.NaN : segments / seconds;
        }

        boolean completed() {
            return error.isEmpty();
        }
    }

    /**
     * One base backup and its restore: backup until the tool says the backup is complete; restore
     * from an empty folder until the restored PostgreSQL accepts connections; what the backup added to
     * the repository. {@code error}: the run did not complete.
     */
    record BackupSample(
            String system,
            int run,
            double backupSeconds,
            double restoreSeconds,
            long repositoryBytes,
            Optional<String> error) {
        boolean completed() {
            return error.isEmpty();
        }
    }

    /** How the systems and the data were set up, for the report's text. */
    record Setup(
            int runs,
            int scale,
            long databaseBytes,
            int archiveScale,
            int parallelism,
            String pghaBackup,
            List<String> archiveSystems,
            List<String> backupSystems) {}

    private BackupBenchReport() {}

    /** The median of {@code values}, NaN when there is none. */
    static double median(List<Double> values) {
        List<Double> sorted =
                values.stream().filter(v -> !Double.isNaN(v)).sorted().toList();
        int n = sorted.size();
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }

    /** The median over the completed archive runs of {@code system}. */
    static double archiveMedian(List<ArchiveSample> samples, String system, ToDoubleFunction<ArchiveSample> value) {
        return median(samples.stream()
                .filter(s -> s.system().equals(system) && s.completed())
                .map(s -> value.applyAsDouble(s))
                .toList());
    }

    /** The median over the completed backup runs of {@code system}. */
    static double backupMedian(List<BackupSample> samples, String system, ToDoubleFunction<BackupSample> value) {
        return median(samples.stream()
                .filter(s -> s.system().equals(system) && s.completed())
                .map(s -> value.applyAsDouble(s))
                .toList());
    }

    /** {@code a / b}, or empty when either is unknown or {@code b} is 0. */
    static OptionalDouble ratio(double a, double b) {
        return FailoverBenchReport.ratio(a, b);
    }

    /**
     * What the medians say against the goal (pgha's archive throughput at least pgBackRest's,
     * pgha's restore time at most pgBackRest's), one line per goal; "not measured" where a side has no
     * completed run.
     */
    static String verdict(Setup setup, List<ArchiveSample> archive, List<BackupSample> backups) {
        double pghaRate = archiveMedian(archive, "pgha", ArchiveSample::segmentsPerSecond);
        double backrestRate = archiveMedian(archive, "pgBackRest", ArchiveSample::segmentsPerSecond);
        double pghaRestore = backupMedian(backups, "pgha", BackupSample::restoreSeconds);
        double backrestRestore = backupMedian(backups, "pgBackRest", BackupSample::restoreSeconds);
        StringBuilder md = new StringBuilder("**Against the goal** (medians):\n");
        md.append("- archive throughput ≥ pgBackRest's: ");
        if (Double.isNaN(pghaRate) || Double.isNaN(backrestRate)) {
            md.append("not measured (no completed run on ")
                    .append(Double.isNaN(pghaRate) ? "pgha" : "pgBackRest")
                    .append(");\n");
        } else {
            md.append(pghaRate >= backrestRate ? "**met**" : "**missed**")
                    .append(String.format(
                            Locale.ROOT, ", pgha %.2f segments/s vs pgBackRest %.2f;\n", pghaRate, backrestRate));
        }
        md.append("- restore time ≤ pgBackRest's: ");
        if (Double.isNaN(pghaRestore) || Double.isNaN(backrestRestore)) {
            md.append("not measured (no completed run on ")
                    .append(Double.isNaN(pghaRestore) ? "pgha" : "pgBackRest")
                    .append(").\n");
        } else {
            md.append(pghaRestore <= backrestRestore ? "**met**" : "**missed**")
                    .append(String.format(
                            Locale.ROOT, ", pgha %.1f s vs pgBackRest %.1f s.\n", pghaRestore, backrestRestore));
        }
        return md.toString();
    }

    /** The whole section, from its heading to its last line. */
    static String render(
            Setup setup,
            List<ArchiveSample> archive,
            List<BackupSample> backups,
            Machine machine,
            List<String> notes,
            String verdict) {
        StringBuilder md = new StringBuilder();
        md.append(HEADING).append("\n\n");
        int expected = setup.runs()
                * (setup.archiveSystems().size() + setup.backupSystems().size());
        if (archive.size() + backups.size() < expected) {
            md.append("**Partial results**: ")
                    .append(archive.size() + backups.size())
                    .append(" of ")
                    .append(expected)
                    .append(" planned runs were done when this was written (")
                    .append(machine.finished())
                    .append(").\n\n");
        }
        for (String note : notes) {
            md.append("**Note**: ").append(note).append("\n\n");
        }
        md.append("**What is measured**, in one run of `BackupBenchIT`, ")
                .append(setup.runs())
                .append(" runs of each part per system, the systems taking turns run by run:\n\n")
                .append("1. **WAL archive push under a pgbench write load.** Each system's primary (PostgreSQL 15, ")
                .append("the same settings: fsync off, shared_buffers 128MB, max_wal_size 1GB) runs `pgbench -i -s ")
                .append(setup.archiveScale())
                .append("` (drop, COPY, vacuum, primary keys), then `pg_switch_wal()`. The benchmark samples ")
                .append("`pg_stat_archiver` and ")
                .append("the `.ready` files in `pg_wal/archive_status` every 100 ms: **segments/s** is the segments ")
                .append("archived from the first `.ready` file seen until the load's last segment is archived, ")
                .append("divided by that time; **backlog** is the most `.ready` files waiting at once; **drain** ")
                .append("is how long after the load ended the archive caught up (0 when it kept up). A system ")
                .append("whose archiver keeps up is only as fast as the load, so compare the backlog and the drain ")
                .append("as well.\n")
                .append("2. **Base backup and restore** of a pgbench database of scale ")
                .append(setup.scale())
                .append(" (`pgbench -i -s ")
                .append(setup.scale())
                .append("`, ")
                .append(mib(setup.databaseBytes()))
                .append(" as `pg_database_size` shows). **Backup**: from the command until the backup is ")
                .append("complete in the repository (with the WAL it needs to be consistent); **restore**: from an ")
                .append("empty data directory until the restored PostgreSQL, recovered to consistency, accepts ")
                .append("connections; **repository**: what the backup added to the repository (the copy's size for ")
                .append("plain `pg_basebackup`). Each restored database is checked (`count(*)` of ")
                .append("`pgbench_accounts`) outside the timing, then stopped and deleted.\n\n");
        md.append("Systems (both with ")
                .append(setup.parallelism())
                .append(" parallel workers and zstd level 3, posix repositories on the same disk):\n")
                .append("- **pgha**: a node-agent (`AgentNodes`, 1-member etcd) with `pgha.repository.type=posix`, ")
                .append("`compression=zstd`, `parallelism=")
                .append(setup.parallelism())
                .append("`, `pgha.archive.push-ahead=")
                .append(setup.parallelism())
                .append("`; PostgreSQL's `archive_command` is the agent's (curl to its loopback ")
                .append("`/wal/archive/%f`). Backup: ")
                .append(setup.pghaBackup())
                .append(";\n")
                .append("- **pgBackRest**: Debian's `pgbackrest` package with `archive-async=y`, `process-max=")
                .append(setup.parallelism())
                .append("`, `compress-type=zst`, `compress-level=3`, `start-fast=y`; `archive_command` ")
                .append("`pgbackrest archive-push %p`; backup `pgbackrest backup --type=full`; restore `pgbackrest ")
                .append("restore --type=immediate --target-action=promote`;\n")
                .append("- **plain pg_basebackup** (no tool, backup and restore only): `pg_basebackup -Fp -X stream ")
                .append("-c fast` into a folder (the copy a user would take; fsynced, as by default), restored by ")
                .append("`cp -a` of that folder and a start. Taken from pgBackRest's primary.\n\n");
        md.append("**Command** (`system-tests/src/test/java/io/pgha/system/BackupBenchIT.java`, tag `bench`, left ")
                .append("out of `./pgha test`; needs root for the `postgres` user and apt-get):\n\n```\n")
                .append(machine.command())
                .append("\n```\n\n")
                .append("`-Dbench.scale` sets the pgbench scale of part 2 (130 is about 2 GB), ")
                .append("`-Dbench.archive.scale` the one of part 1, `-Dbench.runs` the runs per part and system. ")
                .append("Every run is also written to `system-tests/target/bench-backup.md`.\n\n");
        md.append(BenchMachine.paragraph(machine));
        md.append("### WAL archive push under pgbench -i -s ")
                .append(setup.archiveScale())
                .append(
                        "\n\n| system | runs | segments/s, median | segments per run, median | backlog (.ready), median | "
                                + "backlog, max | drain after the load, median | load time, median | archiver failures |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String system : setup.archiveSystems()) {
            List<ArchiveSample> done = archive.stream()
                    .filter(s -> s.system().equals(system) && s.completed())
                    .toList();
            md.append("| ")
                    .append(system)
                    .append(" | ")
                    .append(done.size())
                    .append(" | ")
                    .append(number(archiveMedian(archive, system, ArchiveSample::segmentsPerSecond), 2))
                    .append(" | ")
                    .append(number(archiveMedian(archive, system, ArchiveSample::segments), 1))
                    .append(" | ")
                    .append(number(archiveMedian(archive, system, ArchiveSample::maxBacklog), 1))
                    .append(" | ")
                    .append(done.stream().mapToInt(ArchiveSample::maxBacklog).max().stream()
                            .mapToObj(Integer::toString)
                            .findFirst()
                            .orElse("–"))
                    .append(" | ")
                    .append(seconds(archiveMedian(archive, system, ArchiveSample::drainSeconds)))
                    .append(" | ")
                    .append(seconds(archiveMedian(archive, system, ArchiveSample::loadSeconds)))
                    .append(" | ")
                    .append(done.stream().mapToLong(ArchiveSample::failures).sum())
                    .append(" |\n");
        }
        md.append("\n### Base backup and restore, pgbench scale ")
                .append(setup.scale())
                .append("\n\n| system | runs | backup, median | restore, median | repository per backup, median |\n")
                .append("|---|---:|---:|---:|---:|\n");
        for (String system : setup.backupSystems()) {
            long runs = backups.stream()
                    .filter(s -> s.system().equals(system) && s.completed())
                    .count();
            md.append("| ")
                    .append(system)
                    .append(" | ")
                    .append(runs)
                    .append(" | ")
                    .append(seconds(backupMedian(backups, system, BackupSample::backupSeconds)))
                    .append(" | ")
                    .append(seconds(backupMedian(backups, system, BackupSample::restoreSeconds)))
                    .append(" | ")
                    .append(mib(backupMedian(backups, system, BackupSample::repositoryBytes)))
                    .append(" |\n");
        }
        md.append("\n### Every run\n\n| part | system | run | result |\n|---|---|---:|---|\n");
        List<String> rows = new ArrayList<>();
        for (ArchiveSample s : archive) {
            rows.add("| archive | " + s.system() + " | " + s.run() + " | "
                    + s.error()
                            .map(e -> "failed: " + e.replace('|', '/'))
                            .orElse(s.segments() + " segments in " + seconds(s.seconds()) + " ("
                                    + number(s.segmentsPerSecond(), 2) + "/s), backlog max " + s.maxBacklog()
                                    + ", load " + seconds(s.loadSeconds()) + ", drain " + seconds(s.drainSeconds())
                                    + (s.failures() > 0 ? ", " + s.failures() + " archiver failures" : ""))
                    + " |");
        }
        for (BackupSample s : backups) {
            rows.add("| backup | " + s.system() + " | " + s.run() + " | "
                    + s.error()
                            .map(e -> "failed: " + e.replace('|', '/'))
                            .orElse("backup " + seconds(s.backupSeconds()) + ", restore " + seconds(s.restoreSeconds())
                                    + ", repository +" + mib(s.repositoryBytes()))
                    + " |");
        }
        rows.forEach(r -> md.append(r).append('\n'));
        if (!verdict.isBlank()) {
            md.append("\n").append(verdict.strip()).append("\n");
        }
        return md.toString();
    }

    /**
     * {@code document} with the section under {@link #HEADING} (up to the next {@code ## } heading
     * outside a code block) replaced by {@code section}, or with {@code section} appended when there is
     * none; the other sections stay as they are.
     */
    static String replaceSection(String document, String section) {
        return BenchMachine.replaceSection(document, HEADING, section);
    }

    static String seconds(double seconds) {
        return Double.isNaN(seconds) ? "–" : String.format(Locale.ROOT, "%.1f s", seconds);
    }

    static String mib(double bytes) {
        return Double.isNaN(bytes) || bytes < 0
                ? "–"
                : String.format(Locale.ROOT, "%.0f MiB", bytes / (1024.0 * 1024.0));
    }

    private static String number(double value, int decimals) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
