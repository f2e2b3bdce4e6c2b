package io.pgha.repository.catalog;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.pgha.repository.store.BlobStore;
import io.pgha.repository.store.Keys;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The backups of one cluster, kept in the repository itself ({@code <cluster>/backups/<id>/}) so a
 * new cluster can restore from the repository alone. {@code backup.json} is written last when a
 * backup completes; the files are {@code <cluster>/backups/<id>/data/<object>}.
 */
public final class Catalog {
    /** The catalog's JSON: ISO-8601 instants, unknown fields tolerated (newer writers). */
    public static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private static final String RECORD = "backup.json";

    private final BlobStore store;
    private final String cluster;
    private final String prefix;

    public Catalog(BlobStore store, String cluster) {
        this.store = store;
        this.cluster = Keys.checkName(cluster, "cluster name");
        this.prefix = cluster + "/backups/";
    }

    public String cluster() {
        return cluster;
    }

    /** The key of a backup's file object. */
    public String objectKey(String backupId, int object) {
        if (object < 1) {
            throw new IllegalArgumentException("object numbers start at 1, not " + object);
        }
        return prefix + Keys.checkName(backupId, "backup id") + "/data/" + String.format(Locale.ROOT, "%06d", object);
    }

    /** Writes (or replaces) a backup's record. */
    public void save(BackupRecord record) throws IOException {
        if (!cluster.equals(record.cluster())) {
            throw new IllegalArgumentException(
                    "backup " + record.id() + " belongs to " + record.cluster() + ", not " + cluster);
        }
        store.putBytes(
                prefix + Keys.checkName(record.id(), "backup id") + "/" + RECORD, JSON.writeValueAsBytes(record));
    }

    /** A backup's record, if it exists. */
    public Optional<BackupRecord> get(String backupId) throws IOException {
        Optional<InputStream> in = store.open(prefix + Keys.checkName(backupId, "backup id") + "/" + RECORD);
        if (in.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream stream = in.get()) {
            return Optional.of(JSON.readValue(stream, BackupRecord.class));
        }
    }

    /** Every backup whose record can be read, oldest first (ids sort by time). */
    public List<BackupRecord> list() throws IOException {
        List<BackupRecord> records = new ArrayList<>();
        for (String key : store.list(prefix)) {
            if (key.endsWith("/" + RECORD) && key.split("/").length == 4) {
                String id = key.substring(prefix.length(), key.length() - RECORD.length() - 1);
                get(id).ifPresent(records::add);
            }
        }
        records.sort(Comparator.comparing(BackupRecord::id));
        return records;
    }

    /** Ids of every folder under backups/, with or without a record (to find leftovers). */
    public List<String> folders() throws IOException {
        return store.list(prefix).stream()
                .filter(key -> key.indexOf('/', prefix.length()) > 0)
                .map(key -> key.substring(prefix.length(), key.indexOf('/', prefix.length())))
                .distinct()
                .sorted()
                .toList();
    }

    /** Removes a backup: its files first, its record last. */
    public void delete(String backupId) throws IOException {
        String folder = prefix + Keys.checkName(backupId, "backup id") + "/";
        for (String key : store.list(folder)) {
            if (!key.endsWith("/" + RECORD)) {
                store.delete(key);
            }
        }
        store.delete(folder + RECORD);
    }
}
