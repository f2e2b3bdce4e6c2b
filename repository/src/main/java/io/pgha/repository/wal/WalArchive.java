package io.pgha.repository.wal;

import io.pgha.repository.codec.ObjectCodec;
import io.pgha.repository.codec.ObjectCodec.Digest;
import io.pgha.repository.codec.ObjectCodec.Header;
import io.pgha.repository.store.BlobStore;
import io.pgha.repository.store.Keys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A cluster's WAL archive: {@code <cluster>/wal/<timeline>/<name>}. Pushing is idempotent: the same
 * name with the same content succeeds again, different content under an existing name is refused
 * and never overwritten.
 */
public final class WalArchive {
    /** What a push did. */
    public enum Pushed {
        ARCHIVED,
        ALREADY_ARCHIVED
    }

    private final BlobStore store;
    private final ObjectCodec codec;
    private final String prefix;

    public WalArchive(BlobStore store, ObjectCodec codec, String cluster) {
        this.store = store;
        this.codec = codec;
        this.prefix = Keys.checkName(cluster, "cluster name") + "/wal/";
    }

    /** The key a WAL file is archived under. */
    public String key(WalName name) {
        return prefix + name.timelineHex() + "/" + name.name();
    }

    /**
     * Archives the file under its WAL name.
     *
     * @throws WalConflictException when another content is archived under that name (nothing written)
     */
    public Pushed push(WalName name, Path file) throws IOException, WalConflictException {
        String key = key(name);
        Optional<Header> existing = header(key);
        if (existing.isPresent()) {
            return same(name, existing.get(), Digest.of(file));
        }
        Path sealed = Files.createTempFile("pgha-wal-", ".sealed");
        try {
            Header mine = codec.seal(file, sealed); // one read of the segment: sealing computes its digest
            if (store.createIfAbsent(key, sealed)) {
                return Pushed.ARCHIVED;
            }
            Header raced = header(key)
                    .orElseThrow(
                            () -> new IOException(store.describe() + " refused " + key + " but has no such object"));
            return same(name, raced, new Digest(mine.size(), mine.sha256()));
        } finally {
            Files.deleteIfExists(sealed);
        }
    }

    private Pushed same(WalName name, Header existing, Digest digest) throws WalConflictException {
        if (existing.size() == digest.size() && existing.sha256().equals(digest.sha256())) {
            return Pushed.ALREADY_ARCHIVED;
        }
        throw new WalConflictException(
                name.name(),
                name.name() + " is already archived with different content (archived: " + existing.size()
                        + " bytes sha256 " + existing.sha256() + "; offered: " + digest.size() + " bytes sha256 "
                        + digest.sha256() + "). The archived copy is kept. Another primary wrote this timeline,"
                        + " or another cluster of the same name uses this repository: check the timelines of"
                        + " every member before anything else.");
    }

    /**
     * Restores an archived WAL file to {@code target} (written to a temporary name in the same folder
     * first, then moved into place).
     *
     * @return false when the archive has no such file
     */
    public boolean fetch(WalName name, Path target) throws IOException {
        Optional<InputStream> in = store.open(key(name));
        if (in.isEmpty()) {
            return false;
        }
        Path absolute = target.toAbsolutePath();
        // a name of its own, so that two fetches of one file (prefetch and restore_command) never share it
        Path tmp = Files.createTempFile(absolute.getParent(), absolute.getFileName() + ".", ".pgha-tmp");
        try {
            codec.unseal(in.get(), tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * The local folder of this archive when its store keeps files ({@link BlobStore#localFolder}): a WAL
     * file is archived as {@code <folder>/<its first 8 characters, the timeline>/<its name>} ({@link #key}).
     */
    public Optional<Path> localFolder() {
        return store.localFolder(prefix);
    }

    /** Whether the archive has the file. */
    public boolean contains(WalName name) throws IOException {
        return header(key(name)).isPresent();
    }

    /** Every archived WAL file, in recovery order. */
    public List<WalName> list() throws IOException {
        List<WalName> names = new ArrayList<>();
        for (String key : store.list(prefix)) {
            String file = key.substring(key.lastIndexOf('/') + 1);
            if (WalName.isValid(file)) {
                names.add(WalName.parse(file));
            }
        }
        names.sort(null);
        return names;
    }

    /** The highest timeline any archived file belongs to, if any. */
    public OptionalInt highestTimeline() throws IOException {
        return list().stream().mapToInt(WalName::timeline).max();
    }

    /** Removes an archived file (retention only). */
    public void delete(WalName name) throws IOException {
        store.delete(key(name));
    }

    private Optional<Header> header(String key) throws IOException {
        Optional<byte[]> head = store.head(key, ObjectCodec.HEADER_BYTES);
        return head.isEmpty() ? Optional.empty() : Optional.of(ObjectCodec.decode(head.get()));
    }
}
