package io.pgha.backup.decide;

import static io.pgha.backup.decide.Records.complete;
import static io.pgha.backup.decide.Records.day;
import static io.pgha.backup.decide.Records.failed;
import static io.pgha.backup.decide.Records.running;
import static io.pgha.backup.decide.Records.segments;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.repository.catalog.BackupRecord;
import io.pgha.repository.wal.WalName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RetentionPlannerTest {
    private static final RetentionPolicy KEEP_2 = new RetentionPolicy(2, Optional.empty());

    private static List<String> removed(RetentionPlan plan) {
        return plan.backups().stream().map(RetentionPlan.Removal::backupId).toList();
    }

    @Test
    void keepsTheNewestNCompleteBackupsAndRemovesTheOlderOnes() {
        List<BackupRecord> records = List.of(
                complete("b1", 1, 1, 10), complete("b2", 2, 1, 20), complete("b3", 3, 1, 30), complete("b4", 4, 1, 40));

        RetentionPlan plan = RetentionPlanner.plan(records, List.of(), KEEP_2, day(5));

        assertThat(removed(plan)).containsExactly("b1", "b2");
        assertThat(plan.kept()).containsExactly("b3", "b4");
        assertThat(plan.backups().get(0).reason()).contains("newest 2");
    }

    @Test
    void fewerBackupsThanTheCountRemovesNothing() {
        RetentionPlan plan = RetentionPlanner.plan(
                List.of(complete("b1", 1, 1, 10)),
                segments(1, 1, 12),
                new RetentionPolicy(3, Optional.empty()),
                day(9));

        assertThat(plan.backups()).isEmpty();
        assertThat(plan.kept()).containsExactly("b1");
        assertThat(plan.wal()).extracting(WalName::segmentNumber).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    }

    @Test
    void noCompleteBackupRemovesNoWalAndNoBackup() {
        List<BackupRecord> records = List.of(running("r1", 1), failed("f1", 0));

        RetentionPlan plan = RetentionPlanner.plan(records, segments(1, 1, 50), KEEP_2, day(3));

        assertThat(plan.isEmpty()).isTrue();
    }

    @Test
    void runningBackupsAreNeverTouched() {
        List<BackupRecord> records =
                List.of(complete("b1", 1, 1, 10), complete("b2", 2, 1, 20), running("r0", 0), running("r3", 3));

        RetentionPlan plan =
                RetentionPlanner.plan(records, List.of(), new RetentionPolicy(1, Optional.empty()), day(4));

        assertThat(removed(plan)).containsExactly("b1");
    }

    @Test
    void pinnedBackupsAreKeptWhateverTheCount() {
        List<BackupRecord> records =
                List.of(complete("b1", 1, 1, 10).withPinned(true), complete("b2", 2, 1, 20), complete("b3", 3, 1, 30));

        RetentionPlan plan =
                RetentionPlanner.plan(records, segments(1, 5, 35), new RetentionPolicy(1, Optional.empty()), day(4));

        assertThat(removed(plan)).containsExactly("b2");
        assertThat(plan.kept()).containsExactly("b1", "b3");
        // the pinned backup needs WAL from its start: nothing from segment 10 on goes
        assertThat(plan.wal()).extracting(WalName::segmentNumber).containsExactly(5L, 6L, 7L, 8L, 9L);
    }

    @Test
    void recoveryWindowKeepsEveryBackupInsideAndTheNewestBeforeIt() {
        List<BackupRecord> records = List.of(
                complete("b1", 1, 1, 10),
                complete("b2", 2, 1, 20),
                complete("b3", 3, 1, 30),
                complete("b4", 4, 1, 40),
                complete("b5", 5, 1, 50));
        // window of 2.5 days at day 5.5: starts at day 3.0; b3 stopped at day 3 + 600 s (inside), b2 before
        RetentionPolicy policy = new RetentionPolicy(1, Optional.of(Duration.ofHours(60)));

        RetentionPlan plan = RetentionPlanner.plan(records, List.of(), policy, day(5.5));

        assertThat(plan.kept()).containsExactly("b2", "b3", "b4", "b5");
        assertThat(removed(plan)).containsExactly("b1");
    }

    @Test
    void aWindowOlderThanEveryBackupKeepsTheNewestBeforeItOnly() {
        List<BackupRecord> records = List.of(complete("b1", 1, 1, 10), complete("b2", 2, 1, 20));
        RetentionPolicy policy = new RetentionPolicy(1, Optional.of(Duration.ofDays(1)));

        RetentionPlan plan = RetentionPlanner.plan(records, List.of(), policy, day(30));

        assertThat(plan.kept()).containsExactly("b2");
        assertThat(removed(plan)).containsExactly("b1");
    }

    @Test
    void countAndWindowKeepTheUnionOfWhatEachKeeps() {
        List<BackupRecord> records = List.of(
                complete("b1", 1, 1, 10), complete("b2", 2, 1, 20), complete("b3", 3, 1, 30), complete("b4", 4, 1, 40));
        RetentionPolicy policy = new RetentionPolicy(3, Optional.of(Duration.ofHours(12)));

        RetentionPlan plan = RetentionPlanner.plan(records, List.of(), policy, day(4.25));

        assertThat(plan.kept()).containsExactly("b2", "b3", "b4");
    }

    @Test
    void walBeforeTheOldestKeptBackupsStartIsRemovedAndItsOwnWalKept() {
        List<BackupRecord> records =
                List.of(complete("b1", 1, 1, 10), complete("b2", 2, 1, 20), complete("b3", 3, 1, 30));
        List<WalName> archived = new ArrayList<>(segments(1, 1, 40));
        archived.add(WalName.parse("000000010000000000000014.00000028.backup"));

        RetentionPlan plan = RetentionPlanner.plan(records, archived, KEEP_2, day(4));

        assertThat(removed(plan)).containsExactly("b1");
        assertThat(plan.wal()).extracting(WalName::segmentNumber).allMatch(n -> n < 20);
        assertThat(plan.wal()).hasSize(19);
        assertThat(plan.wal()).noneMatch(w -> w.kind() == WalName.Kind.BACKUP_LABEL);
    }

    @Test
    void historyFilesAreNeverRemoved() {
        List<BackupRecord> records = List.of(complete("b1", 1, 3, 100));
        List<WalName> archived = new ArrayList<>(segments(1, 1, 5));
        archived.add(WalName.historyOf(2));
        archived.add(WalName.historyOf(3));

        RetentionPlan plan = RetentionPlanner.plan(records, archived, KEEP_2, day(2));

        assertThat(plan.wal()).hasSize(5).noneMatch(w -> w.kind() == WalName.Kind.HISTORY);
    }

    @Test
    void walOfOlderTimelinesIsKeptFromTheOldestKeptStartWhenNoKeptBackupIsOnThem() {
        // b1 on timeline 1 is removed; b2 and b3 on timeline 2 are kept, b2 starts in segment 30
        List<BackupRecord> records =
                List.of(complete("b1", 1, 1, 10), complete("b2", 2, 2, 30), complete("b3", 3, 2, 40));
        List<WalName> archived = new ArrayList<>();
        archived.addAll(segments(1, 10, 35)); // timeline 1 ran up to segment 35 before the failover
        archived.addAll(segments(2, 35, 45));

        RetentionPlan plan = RetentionPlanner.plan(records, archived, KEEP_2, day(4));

        assertThat(plan.wal()).allMatch(w -> w.timeline() == 1 && w.segmentNumber() < 30);
        assertThat(plan.wal()).hasSize(20);
    }

    @Test
    void aKeptBackupOnAnOlderTimelineProtectsTheNewerTimelinesWalFromItsStart() {
        List<BackupRecord> records = List.of(complete("b1", 1, 1, 10), complete("b2", 2, 3, 60));
        List<WalName> archived = new ArrayList<>();
        archived.addAll(segments(1, 5, 30));
        archived.addAll(segments(2, 30, 60));
        archived.addAll(segments(3, 60, 62));

        RetentionPlan plan = RetentionPlanner.plan(records, archived, KEEP_2, day(3));

        assertThat(plan.wal())
                .extracting(WalName::name)
                .containsExactlyElementsOf(
                        segments(1, 5, 9).stream().map(WalName::name).toList());
    }

    @Test
    void failedRecordsOlderThanTheOldestKeptBackupAreRemovedNewerOnesStay() {
        List<BackupRecord> records =
                List.of(failed("f0", 0), complete("b1", 1, 1, 10), complete("b2", 2, 1, 20), failed("f3", 3));

        RetentionPlan plan = RetentionPlanner.plan(records, List.of(), KEEP_2, day(4));

        assertThat(removed(plan)).containsExactly("f0");
    }

    @Test
    void aKeptBackupWithoutAStartWalKeepsEveryWalFile() {
        BackupRecord odd = running("b0", 0).withState(io.pgha.repository.catalog.BackupState.COMPLETE, null, day(0));
        RetentionPlan plan = RetentionPlanner.plan(
                List.of(odd, complete("b1", 1, 1, 10)),
                segments(1, 1, 20),
                new RetentionPolicy(2, Optional.empty()),
                day(2));

        assertThat(plan.wal()).isEmpty();
    }

    @Test
    void neverRemovesWalAKeptBackupNeedsOverManyRandomHistories() {
        Random random = new Random(42);
        for (int round = 0; round < 500; round++) {
            List<BackupRecord> records = new ArrayList<>();
            List<WalName> archived = new ArrayList<>();
            int timeline = 1;
            long segment = 1;
            int count = 1 + random.nextInt(8);
            for (int i = 0; i < count; i++) {
                if (random.nextInt(4) == 0) {
                    timeline++;
                    archived.add(WalName.historyOf(timeline));
                }
                long next = segment + 1 + random.nextInt(5);
                archived.addAll(segments(timeline, segment, next + 2));
                BackupRecord b = complete("b" + i, i, timeline, next);
                if (random.nextInt(5) == 0) {
                    b = b.withPinned(true);
                }
                records.add(b);
                if (random.nextInt(6) == 0) {
                    records.add(running("r" + i, i));
                }
                segment = next + 2;
            }
            RetentionPolicy policy = new RetentionPolicy(
                    1 + random.nextInt(3),
                    random.nextBoolean() ? Optional.empty() : Optional.of(Duration.ofHours(1 + random.nextInt(100))));

            RetentionPlan plan = RetentionPlanner.plan(records, archived, policy, day(count + random.nextDouble()));

            Set<String> kept = Set.copyOf(plan.kept());
            Set<WalName> removedWal = Set.copyOf(plan.wal());
            assertThat(kept).isNotEmpty();
            for (BackupRecord r : records) {
                if (kept.contains(r.id())) {
                    WalName start = WalName.parse(r.startWal());
                    WalName stop = WalName.parse(r.stopWal());
                    for (WalName w = start; w.segmentNumber() <= stop.segmentNumber(); w = w.next()) {
                        assertThat(removedWal)
                                .as("round %d: WAL %s of kept %s", round, w, r.id())
                                .doesNotContain(w);
                    }
                    // nor any later WAL on that or a newer timeline (restore to latest reads it)
                    int tl = r.timeline();
                    long from = start.segmentNumber();
                    assertThat(removedWal)
                            .as("round %d", round)
                            .noneMatch(w -> w.timeline() >= tl && w.segmentNumber() >= from);
                }
                if (r.pinned()) {
                    assertThat(kept).contains(r.id());
                }
                if (r.state() == io.pgha.repository.catalog.BackupState.RUNNING) {
                    assertThat(removed(plan)).doesNotContain(r.id());
                }
            }
            assertThat(removedWal).noneMatch(w -> w.kind() == WalName.Kind.HISTORY);
            Set<String> newest = records.stream()
                    .filter(r -> r.state() == io.pgha.repository.catalog.BackupState.COMPLETE)
                    .map(BackupRecord::id)
                    .sorted((a, b) ->
                            Integer.compare(Integer.parseInt(b.substring(1)), Integer.parseInt(a.substring(1))))
                    .limit(policy.fullCount())
                    .collect(Collectors.toSet());
            assertThat(kept).containsAll(newest);
        }
    }

    @Test
    void aPolicyKeepingNoBackupIsRefused() {
        assertThatThrownBy(() -> new RetentionPolicy(0, Optional.empty())).hasMessageContaining("at least 1");
    }
}
