package io.pgha.backup.decide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.repository.wal.WalName;
import org.junit.jupiter.api.Test;

class BackupPositionTest {
    private static String manifest(String ranges) {
        return "{\"PostgreSQL-Backup-Manifest-Version\": 1,\n\"Files\": [],\n\"WAL-Ranges\": [" + ranges
                + "],\n\"Manifest-Checksum\": \"x\"}";
    }

    @Test
    void readsStartAndStopAndTheSegmentsInBetween() {
        BackupPosition p = BackupPosition.fromManifest(
                manifest("{ \"Timeline\": 1, \"Start-LSN\": \"0/2000028\", \"End-LSN\": \"0/4000100\" }"));

        assertThat(p.startTimeline()).isEqualTo(1);
        assertThat(p.startLsn().toString()).isEqualTo("0/2000028");
        assertThat(p.stopLsn().toString()).isEqualTo("0/4000100");
        assertThat(p.startWal().name()).isEqualTo("000000010000000000000002");
        assertThat(p.stopWal().name()).isEqualTo("000000010000000000000004");
        assertThat(p.neededWal())
                .extracting(WalName::name)
                .containsExactly("000000010000000000000002", "000000010000000000000003", "000000010000000000000004");
    }

    @Test
    void aStopOnASegmentBoundaryNeedsOnlyThePreviousSegment() {
        BackupPosition p = BackupPosition.fromManifest(
                manifest("{ \"Timeline\": 1, \"Start-LSN\": \"0/2000028\", \"End-LSN\": \"0/3000000\" }"));

        assertThat(p.neededWal()).extracting(WalName::name).containsExactly("000000010000000000000002");
    }

    @Test
    void aBackupSpanningATimelineSwitchNeedsBothTimelines() {
        // PostgreSQL lists the newest timeline first
        BackupPosition p = BackupPosition.fromManifest(
                manifest("{ \"Timeline\": 2, \"Start-LSN\": \"0/3000000\", \"End-LSN\": \"0/3000200\" },"
                        + "{ \"Timeline\": 1, \"Start-LSN\": \"0/2000028\", \"End-LSN\": \"0/3000000\" }"));

        assertThat(p.startTimeline()).isEqualTo(1);
        assertThat(p.stopTimeline()).isEqualTo(2);
        assertThat(p.neededWal())
                .extracting(WalName::name)
                .containsExactly("000000010000000000000002", "000000020000000000000003");
        assertThat(p.stopWal().name()).isEqualTo("000000020000000000000003");
    }

    @Test
    void aManifestWithoutWalRangesIsRefused() {
        assertThatThrownBy(() -> BackupPosition.fromManifest("{\"Files\": []}")).hasMessageContaining("WAL-Ranges");
        assertThatThrownBy(() -> BackupPosition.fromManifest("not json")).hasMessageContaining("not JSON");
    }
}
