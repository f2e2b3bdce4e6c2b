package io.pgha.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.events.Lsn;
import io.pgha.local.LocalInfra;
import io.pgha.local.S3Server;
import io.pgha.local.Wait;
import io.pgha.repository.catalog.BackupFiles;
import io.pgha.repository.catalog.BackupRecord;
import io.pgha.repository.catalog.BackupState;
import io.pgha.repository.catalog.Catalog;
import io.pgha.repository.store.BlobStore;
import io.pgha.repository.store.S3BlobStore;
import io.pgha.repository.wal.WalArchive;
import io.pgha.repository.wal.WalConflictException;
import io.pgha.repository.wal.WalName;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The S3 store, the WAL archive, the catalog and backup files against a real S3 server (s3proxy). */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class S3BlobStoreIT {
    @RegisterExtension
    static final LocalInfra infra = LocalInfra.perClass();

    private static S3Server server;

    private static S3Server server() {
        if (server == null) {
            server = infra.s3();
        }
        return server;
    }

    @Test
    @Order(1)
    void storeSemanticsHoldOnRealS3() throws Exception {
        try (S3BlobStore store = store("semantics", "", 1000)) {
            Path first = file("first");
            assertThat(store.createIfAbsent("c/wal/00000001/a", first)).isTrue();
            assertThat(store.createIfAbsent("c/wal/00000001/a", file("second"))).isFalse();
            assertThat(read(store, "c/wal/00000001/a")).isEqualTo("first");

            store.put("c/backups/b1/backup.json", file("v1"));
            store.putBytes("c/backups/b1/backup.json", "v2".getBytes(StandardCharsets.UTF_8));
            assertThat(read(store, "c/backups/b1/backup.json")).isEqualTo("v2");

            store.putBytes("c/empty", new byte[0]);
            assertThat(store.head("c/wal/00000001/a", 3))
                    .hasValueSatisfying(h -> assertThat(h).isEqualTo("fir".getBytes(StandardCharsets.UTF_8)));
            assertThat(store.head("c/wal/00000001/a", 48))
                    .hasValueSatisfying(h -> assertThat(h).isEqualTo("first".getBytes(StandardCharsets.UTF_8)));
            assertThat(store.head("c/empty", 48))
                    .hasValueSatisfying(h -> assertThat(h).isEmpty());
            assertThat(store.head("c/none", 48)).isEmpty();
            assertThat(store.open("c/none")).isEmpty();
            store.delete("c/none");

            assertThat(store.list("c/")).containsExactly("c/backups/b1/backup.json", "c/empty", "c/wal/00000001/a");
            store.delete("c/empty");
            assertThat(store.list("c/")).containsExactly("c/backups/b1/backup.json", "c/wal/00000001/a");
        }
    }

    @Test
    @Order(2)
    void listingPagesThroughEveryKeyAndPrefixesKeepRepositoriesApart() throws Exception {
        try (S3BlobStore small = store("pages", "prod/eu", 7);
                S3BlobStore other = store("pages", "staging", 1000)) {
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 23; i++) {
                String key = String.format("c/wal/00000001/%03d", i);
                small.putBytes(key, new byte[] {(byte) i});
                expected.add(key);
            }
            other.putBytes("c/wal/00000001/999", new byte[] {1});
            assertThat(small.list("c/wal/")).containsExactlyElementsOf(expected);
            assertThat(small.list("")).containsExactlyElementsOf(expected);
            assertThat(other.list("")).containsExactly("c/wal/00000001/999");
            assertThat(small.describe()).contains("prefix prod/eu/", server().endpoint());
        }
    }

    @Test
    @Order(3)
    void walArchiveIsIdempotentAndRefusesConflictingContentWithoutOverwriting() throws Exception {
        Repository repository = open("wal", Optional.of(keyFile()));
        try (repository) {
            WalArchive archive = repository.walArchive("demo");
            WalName name = WalName.parse("000000010000000000000003");
            Path segment = segment(1);
            assertThat(archive.push(name, segment)).isEqualTo(WalArchive.Pushed.ARCHIVED);
            byte[] stored = bytes(repository.store(), archive.key(name));

            assertThat(archive.push(name, segment)).isEqualTo(WalArchive.Pushed.ALREADY_ARCHIVED);
            assertThatThrownBy(() -> archive.push(name, segment(2)))
                    .isInstanceOf(WalConflictException.class)
                    .hasMessageContaining("already archived with different content");
            assertThat(bytes(repository.store(), archive.key(name)))
                    .as("the archived object is never overwritten")
                    .isEqualTo(stored);

            WalName history = WalName.historyOf(2);
            Path historyFile = Files.writeString(
                    infra.workspace().root().resolve("00000002.history"), "1\t0/3000000\tno reason\n");
            archive.push(history, historyFile);
            assertThat(archive.list()).containsExactly(history, name);
            assertThat(archive.highestTimeline()).hasValue(2);

            Path fetched = infra.workspace().root().resolve("RECOVERYXLOG");
            assertThat(archive.fetch(name, fetched)).isTrue();
            assertThat(Files.mismatch(fetched, segment)).isEqualTo(-1);
            assertThat(archive.fetch(WalName.parse("000000010000000000000004"), fetched))
                    .isFalse();
            // encrypted at rest: the bucket holds no plain segment content
            byte[] onDisk = Files.readAllBytes(onServer("wal", archive.key(name)));
            assertThat(onDisk).isEqualTo(stored);
            assertThat(io.pgha.repository.codec.ObjectCodec.decode(onDisk).encrypted())
                    .isTrue();
            String plainStart = new String(Files.readAllBytes(segment), 0, 64, StandardCharsets.ISO_8859_1);
            assertThat(new String(onDisk, StandardCharsets.ISO_8859_1)).doesNotContain(plainStart);
        }
    }

    @Test
    @Order(4)
    void aBackupGoesInAndComesBackWholeFromTheRepositoryAlone() throws Exception {
        Path data = dataDir();
        BackupFiles.Content content;
        try (Repository writer = open("backups", Optional.empty())) {
            Catalog catalog = writer.catalog("demo");
            catalog.save(BackupRecord.running("20261201T101530Z", "demo", "backup-0", "pg-1", Instant.now()));
            content = writer.backupFiles("demo").upload("20261201T101530Z", data);
            BackupRecord done = catalog.get("20261201T101530Z")
                    .orElseThrow()
                    .withContent(
                            1,
                            Lsn.parse("0/2000028"),
                            Lsn.parse("0/2000138"),
                            "000000010000000000000002",
                            "000000010000000000000002",
                            Instant.now(),
                            "7312345678901234567",
                            15,
                            "zstd",
                            false,
                            content.directories(),
                            content.files())
                    .withState(BackupState.COMPLETE, null, Instant.now());
            catalog.save(done);
            writer.store().putBytes(catalog.objectKey("20261201T111111Z", 1), new byte[] {1}); // a killed backup
        }
        // a new process with nothing but the settings finds and restores it
        try (Repository reader = open("backups", Optional.empty())) {
            Catalog catalog = reader.catalog("demo");
            assertThat(catalog.list()).extracting(BackupRecord::id).containsExactly("20261201T101530Z");
            assertThat(catalog.folders()).containsExactly("20261201T101530Z", "20261201T111111Z");
            BackupRecord record = catalog.list().get(0);
            assertThat(record.state()).isEqualTo(BackupState.COMPLETE);
            assertThat(record.files()).hasSize(content.files().size());
            Path target = infra.workspace().root().resolve("restored");
            reader.backupFiles("demo").download(record, target);
            assertThat(tree(target)).isEqualTo(tree(data));

            catalog.delete("20261201T111111Z");
            assertThat(catalog.folders()).containsExactly("20261201T101530Z");
        }
    }

    @Test
    @Order(5)
    void aStoppedServerGivesAClearIoExceptionAndTheStoreWorksAgainAfterARestart() throws Exception {
        try (Repository repository = open("outage", Optional.empty())) {
            WalArchive archive = repository.walArchive("demo");
            archive.push(WalName.parse("000000010000000000000001"), segment(3));

            server().stop();
            try {
                WalName during = WalName.parse("000000010000000000000002");
                assertThatThrownBy(() -> archive.push(during, segment(4)))
                        .isInstanceOf(IOException.class)
                        .hasMessageContaining("S3 repository: could not")
                        .hasMessageContaining("cannot reach the S3 server")
                        .hasMessageContaining(server().endpoint())
                        .hasMessageNotContaining(server().secretKey());
                assertThatThrownBy(() -> repository.catalog("demo").list()).isInstanceOf(IOException.class);
            } finally {
                server().start();
            }
            WalName after = WalName.parse("000000010000000000000002");
            Wait.until(Duration.ofSeconds(30), "archiving works again after the restart", () -> {
                archive.push(after, segment(4));
                return true;
            });
            assertThat(archive.list())
                    .extracting(WalName::name)
                    .containsExactly("000000010000000000000001", "000000010000000000000002");
        }
    }

    @Test
    @Order(6)
    void badCredentialsAreAPermanentErrorThatSaysSo() throws Exception {
        S3BlobStore.Settings wrong = new S3BlobStore.Settings(
                Optional.of(java.net.URI.create(server().endpoint())),
                "semantics",
                "us-east-1",
                "",
                true,
                server().accessKey(),
                "not-the-secret");
        try (S3BlobStore store = S3BlobStore.open(wrong)) {
            assertThatThrownBy(() -> store.list(""))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("HTTP 403")
                    .hasMessageContaining("pgha.repository.s3.access-key")
                    .hasMessageNotContaining("not-the-secret");
        }
    }

    private static S3BlobStore store(String bucket, String prefix, int page) {
        return S3BlobStore.open(
                S3Stores.settings(
                        config(bucket, prefix), Map.of("PGHA_REPOSITORY_S3_SECRET_KEY", server().secretKey())),
                page);
    }

    private static Repository open(String bucket, Optional<Path> keyFile) {
        RepositoryConfig config = new RepositoryConfig() {
            @Override
            public String type() {
                return "s3";
            }

            @Override
            public Optional<Path> path() {
                return Optional.empty();
            }

            @Override
            public String compression() {
                return "zstd";
            }

            @Override
            public Optional<Path> encryptionKeyFile() {
                return keyFile;
            }

            @Override
            public int parallelism() {
                return 4;
            }

            @Override
            public S3 s3() {
                return config(bucket, "");
            }
        };
        return Repository.open(config).orElseThrow();
    }

    private static S3StoresTest.S3 config(String bucket, String prefix) {
        Path secret = infra.workspace().root().resolve("s3-secret");
        server().repositoryProperties(bucket, secret);
        return new S3StoresTest.S3(
                Optional.of(server().endpoint()),
                Optional.of(bucket),
                "us-east-1",
                Optional.of(prefix),
                true,
                Optional.of(server().accessKey()),
                Optional.empty(),
                Optional.of(secret));
    }

    private static Path onServer(String bucket, String key) {
        return server().dataDir().resolve(bucket).resolve(key);
    }

    private static Path keyFile() throws IOException {
        byte[] key = new byte[32];
        new Random(9).nextBytes(key);
        Path file = infra.workspace().root().resolve("repository.key");
        Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n");
        return file;
    }

    private static Path file(String content) throws IOException {
        Path file = Files.createTempFile(infra.workspace().root(), "src-", "");
        Files.writeString(file, content);
        return file;
    }

    private static Path segment(int seed) throws IOException {
        byte[] content = new byte[16 * 1024 * 1024];
        Random random = new Random(seed);
        for (int i = 0; i < content.length; i += 32) {
            content[i] = (byte) random.nextInt();
        }
        Path file = infra.workspace().root().resolve("segment-" + seed);
        Files.write(file, content);
        return file;
    }

    private static String read(BlobStore store, String key) throws IOException {
        return new String(bytes(store, key), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(BlobStore store, String key) throws IOException {
        try (InputStream in = store.open(key).orElseThrow()) {
            return in.readAllBytes();
        }
    }

    private static Path dataDir() throws IOException {
        Path data = infra.workspace().dir("pgdata");
        Files.createDirectories(data.resolve("base/1"));
        Files.createDirectories(data.resolve("pg_wal/archive_status"));
        Files.createDirectories(data.resolve("pg_tblspc"));
        Files.writeString(data.resolve("PG_VERSION"), "15\n");
        Random random = new Random(5);
        for (int i = 0; i < 20; i++) {
            byte[] page = new byte[8192 * (1 + random.nextInt(40))];
            for (int j = 0; j < page.length; j += 64) {
                page[j] = (byte) random.nextInt();
            }
            Files.write(data.resolve("base/1/" + (16384 + i)), page);
        }
        return data;
    }

    private static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> tree = new java.util.TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                tree.put(
                        root.relativize(p).toString(),
                        Files.isDirectory(p) ? "dir" : HexFormat.of().formatHex(Files.readAllBytes(p)));
            }
        }
        return tree;
    }
}
