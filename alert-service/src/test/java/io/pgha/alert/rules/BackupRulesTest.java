package io.pgha.alert.rules;

import static io.pgha.alert.rules.Sim.CLUSTER;
import static io.pgha.alert.rules.Sim.archiveFailed;
import static io.pgha.alert.rules.Sim.archived;
import static io.pgha.alert.rules.Sim.at;
import static io.pgha.alert.rules.Sim.backupCompleted;
import static io.pgha.alert.rules.Sim.fired;
import static io.pgha.alert.rules.Sim.names;
import static io.pgha.alert.rules.Sim.primary;
import static io.pgha.alert.rules.Sim.replica;
import static io.pgha.alert.rules.Sim.resolved;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.events.AlertEvent.Severity;
import io.pgha.events.BackupEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rules about WAL archiving, base backups and restore drills. */
class BackupRulesTest {

    @Test
    void archiveFailingFiresOnceAndResolvesWhenASegmentIsArchivedAfterIt() {
        Sim sim = new Sim();
        sim.on(primary("pg-0", 0));
        sim.on(archived(0, "000000010000000000000002"));
        List<Alert> fired = fired(sim.on(archiveFailed(1, "failure")));
        assertThat(fired).singleElement().satisfies(a -> {
            assertThat(a.name()).isEqualTo(AlertName.PghaWalArchiveFailing);
            assertThat(a.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(a.description()).contains("pg-0", "000000010000000000000003", "repository says no");
            assertThat(a.runbookUrl()).isEqualTo("docs/runbooks/PghaWalArchiveFailing.md");
        });
        assertThat(sim.on(archiveFailed(2, "failure"))).isEmpty();
        // progress that did not move (same last segment) does not clear it
        assertThat(sim.on(archived(3, "000000010000000000000002"))).isEmpty();
        assertThat(names(resolved(sim.on(archived(4, "000000010000000000000003")))))
                .containsExactly("PghaWalArchiveFailing");
    }

    @Test
    void archiveStalledFiresWhenNothingWasArchivedForTheDelayWhileAPrimaryRuns() {
        Duration after = Thresholds.defaults().archiveStalledAfter();
        long s = after.toSeconds();
        Sim sim = new Sim(PrimaryRulesTest.quietWatchers());
        sim.on(archived(0, "000000010000000000000002"));
        sim.on(primary("pg-0", 1));
        assertThat(sim.on(primary("pg-0", s - 1))).isEmpty();

        List<Alert> fired = fired(sim.on(primary("pg-0", s)));

        assertThat(fired).singleElement().satisfies(a -> {
            assertThat(a.name()).isEqualTo(AlertName.PghaWalArchiveStalled);
            assertThat(a.severity()).isEqualTo(Severity.WARNING);
            assertThat(a.startsAt()).isEqualTo(at(0));
            assertThat(a.description()).contains("000000010000000000000002");
        });
        assertThat(sim.on(primary("pg-0", s + 1))).isEmpty();
        assertThat(names(resolved(sim.on(archived(s + 2, "000000010000000000000003")))))
                .containsExactly("PghaWalArchiveStalled");
    }

    @Test
    void archiveStalledStaysQuietWithoutARunningPrimary() {
        Sim sim = new Sim(PrimaryRulesTest.quietWatchers());
        sim.on(archived(0, "000000010000000000000002"));
        sim.on(replica("pg-1", 1));
        assertThat(names(fired(sim.eval(at(0).plus(Duration.ofHours(2)))))).doesNotContain("PghaWalArchiveStalled");
    }

    @Test
    void baseBackupFailedFiresAndResolvesWithTheNextCompleteBackup() {
        Sim sim = new Sim();
        List<Alert> fired = fired(sim.on(new BackupEvent.BaseBackupFailed(
                CLUSTER, "20261201T100000", "pg-1", "pg_basebackup exited with 1: could not connect", at(1))));
        assertThat(fired).singleElement().satisfies(a -> {
            assertThat(a.name()).isEqualTo(AlertName.PghaBaseBackupFailed);
            assertThat(a.severity()).isEqualTo(Severity.WARNING);
            assertThat(a.description()).contains("20261201T100000", "could not connect");
            assertThat(a.runbookUrl()).isEqualTo("docs/runbooks/PghaBaseBackupFailed.md");
        });
        assertThat(sim.eval(2)).isEmpty();
        assertThat(names(resolved(sim.on(backupCompleted(3, "20261201T100100")))))
                .containsExactly("PghaBaseBackupFailed");
    }

    @Test
    void baseBackupOverdueFiresWhenTheLastCompleteBackupIsTooOldAndResolvesWithANewOne() {
        Thresholds t = PrimaryRulesTest.quietWatchers();
        Sim sim = new Sim(t);
        sim.on(backupCompleted(10, "b1"));
        Instant due = at(10).plus(Thresholds.defaults().backupOverdueAfter());
        assertThat(sim.eval(due.minusSeconds(1))).isEmpty();

        List<Alert> fired = fired(sim.eval(due));

        assertThat(fired).singleElement().satisfies(a -> {
            assertThat(a.name()).isEqualTo(AlertName.PghaBaseBackupOverdue);
            assertThat(a.description()).contains("b1");
            assertThat(a.startsAt()).isEqualTo(due);
        });
        assertThat(sim.eval(due.plusSeconds(60))).isEmpty();
        Instant later = due.plusSeconds(120);
        sim.state = StateUpdate.apply(
                sim.state,
                new BackupEvent.BaseBackupCompleted(
                        CLUSTER,
                        "b2",
                        "pg-1",
                        1,
                        io.pgha.events.Lsn.parse("0/3000028"),
                        io.pgha.events.Lsn.parse("0/3000100"),
                        1,
                        later.minusSeconds(5),
                        later),
                later);
        assertThat(names(resolved(sim.eval(later)))).containsExactly("PghaBaseBackupOverdue");
    }

    @Test
    void baseBackupOverdueCountsFromTheFirstEventWhenNoBackupWasEverSeen() {
        Sim sim = new Sim(PrimaryRulesTest.quietWatchers());
        sim.on(primary("pg-0", 0));
        Instant due = Sim.T0.plus(Thresholds.defaults().backupOverdueAfter());
        assertThat(names(fired(sim.eval(due.minusSeconds(1))))).doesNotContain("PghaBaseBackupOverdue");
        assertThat(names(fired(sim.eval(due)))).contains("PghaBaseBackupOverdue");
    }

    @Test
    void restoreDrillFailedFiresAndResolvesWhenADrillPasses() {
        Sim sim = new Sim();
        List<Alert> fired = fired(
                sim.on(new BackupEvent.RestoreDrillFailed(CLUSTER, "d1", "b1", "pg_amcheck found corruption", at(1))));
        assertThat(fired).singleElement().satisfies(a -> {
            assertThat(a.name()).isEqualTo(AlertName.PghaRestoreDrillFailed);
            assertThat(a.severity()).isEqualTo(Severity.WARNING);
            assertThat(a.description()).contains("d1", "b1", "pg_amcheck found corruption");
            assertThat(a.runbookUrl()).isEqualTo("docs/runbooks/PghaRestoreDrillFailed.md");
        });
        assertThat(sim.on(
                        new BackupEvent.RestoreDrillFailed(CLUSTER, "d1", "b1", "pg_amcheck found corruption", at(1))))
                .isEmpty();
        assertThat(names(resolved(sim.on(
                        new BackupEvent.RestoreDrillCompleted(CLUSTER, "d2", "b1", at(1), 12.5, 1.0, 100, at(5))))))
                .containsExactly("PghaRestoreDrillFailed");
    }
}
