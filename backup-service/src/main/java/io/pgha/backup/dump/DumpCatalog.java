package io.pgha.backup.dump;

import io.pgha.repository.catalog.Catalog;
import io.pgha.repository.codec.ObjectCodec;
import io.pgha.repository.store.BlobStore;
import io.pgha.repository.store.Keys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Logical backups in the repository, next to the base backups: {@code <cluster>/dumps/<id>/dump.json}
 * and the sealed dumps {@code <cluster>/dumps/<id>/data/<object>} (compressed, checksummed, maybe
 * encrypted, like every object of the repository).
 */
public final class DumpCatalog {
    private static final String RECORD = "dump.json";

    private final BlobStore store;
    private final ObjectCodec codec;
    private final String prefix;

    public DumpCatalog(BlobStore store, ObjectCodec codec, String cluster) {
        this.store = store;
        this.codec = codec;
        this.prefix = Keys.check(cluster) + "/dumps/";
    }

    public void save(DumpRecord record) throws IOException {
        store.putBytes(prefix + Keys.check(record.id()) + "/" + RECORD, Catalog.JSON.writeValueAsBytes(record));
    }

    public Optional<DumpRecord> get(String id) throws IOException {
        Optional<InputStream> in = store.open(prefix + Keys.check(id) + "/" + RECORD);
        if (in.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream stream = in.get()) {
            return Optional.of(Catalog.JSON.readValue(stream, DumpRecord.class));
        }
    }

    /** Every readable record, oldest first. */
    public List<DumpRecord> list() throws IOException {
        List<DumpRecord> records = new ArrayList<>();
        for (String key : store.list(prefix)) {
            if (key.endsWith("/" + RECORD) && key.split("/").length == 4) {
                get(key.substring(prefix.length(), key.length() - RECORD.length() - 1))
                        .ifPresent(records::add);
            }
        }
        records.sort(Comparator.comparing(DumpRecord::id));
        return records;
    }

    /** Seals {@code file} as object {@code object} of dump {@code id}. */
    public DumpRecord.Database put(String id, int object, String database, Path file) throws IOException {
        Path sealed = Files.createTempFile("pgha-dump-", ".sealed");
        try {
            ObjectCodec.Header header = codec.seal(file, sealed);
            long stored = Files.size(sealed);
            store.put(objectKey(id, object), sealed);
            return new DumpRecord.Database(database, object, header.size(), header.sha256(), stored);
        } finally {
            Files.deleteIfExists(sealed);
        }
    }

    /** Unseals one database's dump into {@code target}, checking its checksum. */
    public void fetch(DumpRecord record, DumpRecord.Database db, Path target) throws IOException {
        InputStream in = store.open(objectKey(record.id(), db.object()))
                .orElseThrow(() -> new IOException("dump " + record.id() + " misses the object of " + db.name()));
        ObjectCodec.Header header = codec.unseal(in, target);
        if (!header.sha256().equals(db.sha256())) {
            throw new IOException("dump " + record.id() + " of " + db.name() + " does not match its checksum");
        }
    }

    /** Removes a dump: its objects first, its record last. */
    public void delete(String id) throws IOException {
        String folder = prefix + Keys.check(id) + "/";
        for (String key : store.list(folder)) {
            if (!key.endsWith("/" + RECORD)) {
                store.delete(key);
            }
        }
        store.delete(folder + RECORD);
    }

    private String objectKey(String id, int object) {
        return prefix + Keys.check(id) + "/data/" + String.format("%06d", object);
    }
}
