package io.pgha.repository.wal;

/**
 * A WAL file is already archived under the same name with different content. The archived copy is
 * never overwritten: two primaries wrote the same timeline (split brain), or the repository is shared
 * by two clusters of the same name.
 */
public final class WalConflictException extends Exception {
    private final String walName;

    public WalConflictException(String walName, String message) {
        super(message);
        this.walName = walName;
    }

    public String walName() {
        return walName;
    }
}
