package io.pgha.repository.catalog;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One file of a base backup.
 *
 * @param path its path relative to the data directory, as PostgreSQL wrote it
 * @param object the object's number inside the backup (keys never carry file names)
 * @param size its original size
 * @param sha256 its original content's SHA-256
 * @param storedSize its size in the repository (compressed, maybe encrypted)
 */
public record BackupFile(
        String path, int object, long size, String sha256, @JsonProperty("stored_size") long storedSize) {}
