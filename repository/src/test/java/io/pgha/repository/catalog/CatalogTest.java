package io.pgha.repository.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.events.Lsn;
import io.pgha.repository.store.PosixBlobStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:15:30Z");

    @TempDir
    Path tmp;

    @Test
    void savesGetsListsOldestFirstAndDeletes() throws Exception {
        PosixBlobStore store = new PosixBlobStore(tmp.resolve("repo"));
        Catalog catalog = new Catalog(store, "demo");
        BackupRecord second = complete("20261201T111530Z");
        BackupRecord first = complete("20261201T101530Z").withPinned(true);
        catalog.save(second);
        catalog.save(first);
        catalog.save(BackupRecord.running("20261201T121530Z", "demo", "backup-0", "pg-1", T0));

        assertThat(catalog.get("20261201T101530Z")).contains(first);
        assertThat(catalog.get("20261201T000000Z")).isEmpty();
        assertThat(catalog.list())
                .extracting(BackupRecord::id, BackupRecord::state)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("20261201T101530Z", BackupState.COMPLETE),
                        org.assertj.core.groups.Tuple.tuple("20261201T111530Z", BackupState.COMPLETE),
                        org.assertj.core.groups.Tuple.tuple("20261201T121530Z", BackupState.RUNNING));
        // another cluster in the same repository is not listed
        new Catalog(store, "other").save(BackupRecord.running("x", "other", "o", "m", T0));
        assertThat(catalog.list()).hasSize(3);

        store.putBytes(catalog.objectKey("20261201T101530Z", 1), new byte[] {1});
        store.putBytes(catalog.objectKey("20261201T101530Z", 2), new byte[] {2});
        catalog.delete("20261201T101530Z");
        assertThat(catalog.get("20261201T101530Z")).isEmpty();
        assertThat(store.list("demo/backups/")).noneMatch(k -> k.contains("20261201T101530Z"));
        assertThat(catalog.list()).extracting(BackupRecord::id).containsExactly("20261201T111530Z", "20261201T121530Z");
    }

    @Test
    void theRecordIsPlainJsonWithSnakeCaseFieldsAndToleratesUnknownOnes() throws Exception {
        PosixBlobStore store = new PosixBlobStore(tmp.resolve("repo"));
        Catalog catalog = new Catalog(store, "demo");
        BackupRecord record = complete("b1");
        catalog.save(record);
        Path json = tmp.resolve("repo/demo/backups/b1/backup.json");
        String text = Files.readString(json);
        assertThat(text)
                .contains("\"start_lsn\" : \"0/2000028\"", "\"stop_wal\" : \"000000010000000000000002\"")
                .contains("\"started_at\" : \"2026-12-01T10:15:30Z\"", "\"stored_size\"");
        Files.writeString(json, text.replaceFirst("\\{", "{\"written_by_a_newer_pgha\": 1,"), StandardCharsets.UTF_8);
        assertThat(catalog.get("b1")).contains(record);
    }

    @Test
    void foldersFindLeftoversWithoutARecord() throws Exception {
        PosixBlobStore store = new PosixBlobStore(tmp.resolve("repo"));
        Catalog catalog = new Catalog(store, "demo");
        catalog.save(complete("b1"));
        store.putBytes(catalog.objectKey("b2", 1), new byte[] {1}); // a backup killed before its record
        store.putBytes("demo/backups/stray", new byte[] {1}); // not in a folder: ignored, no crash

        assertThat(catalog.folders()).containsExactly("b1", "b2");
        assertThat(catalog.list()).extracting(BackupRecord::id).containsExactly("b1");
        catalog.delete("b2");
        assertThat(catalog.folders()).containsExactly("b1");
    }

    @Test
    void refusesHostileIdsAndRecordsOfAnotherCluster() throws Exception {
        PosixBlobStore store = new PosixBlobStore(tmp.resolve("repo"));
        Catalog catalog = new Catalog(store, "demo");
        for (String hostile : List.of("../x", "a/b", "..", "", "a b")) {
            assertThatThrownBy(() -> catalog.get(hostile)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> catalog.objectKey(hostile, 1)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> catalog.objectKey("b1", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(catalog.objectKey("b1", 12)).isEqualTo("demo/backups/b1/data/000012");
        assertThatThrownBy(() -> new Catalog(store, "a/b")).hasMessageContaining("cluster name");
        assertThatThrownBy(() -> catalog.save(BackupRecord.running("b9", "other", "o", "m", T0)))
                .hasMessageContaining("belongs to other");
    }

    static BackupRecord complete(String id) {
        return BackupRecord.running(id, "demo", "backup-0", "pg-1", T0)
                .withContent(
                        1,
                        Lsn.parse("0/2000028"),
                        Lsn.parse("0/2000138"),
                        "000000010000000000000002",
                        "000000010000000000000002",
                        T0.plusSeconds(5),
                        "7312345678901234567",
                        15,
                        "zstd",
                        false,
                        List.of("base", "global"),
                        List.of(new BackupFile("PG_VERSION", 1, 3, "ab".repeat(32), 60)))
                .withState(BackupState.COMPLETE, null, T0.plusSeconds(9));
    }
}
