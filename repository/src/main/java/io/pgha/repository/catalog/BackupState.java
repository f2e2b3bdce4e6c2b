package io.pgha.repository.catalog;

/** A base backup's state in the catalog. Only COMPLETE backups are offered for restore. */
public enum BackupState {
    /** Being taken (or abandoned by a backup-service that died; cleaned by the next one). */
    RUNNING,
    /** Copied, verified, and every WAL segment it needs to be consistent is archived. */
    COMPLETE,
    /** Failed; {@code reason} says why. Its files are removed. */
    FAILED
}
