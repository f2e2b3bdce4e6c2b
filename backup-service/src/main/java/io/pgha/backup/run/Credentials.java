package io.pgha.backup.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/** A role and its password (never logged); the password reaches libpq tools only through a pgpass file. */
record Credentials(String user, Optional<String> password) {
    @Override
    public String toString() {
        return user + (password.isPresent() ? " (with password)" : " (no password)");
    }

    /** Writes a 0600 pgpass file at {@code file} with a line for any host; empty when there is no password. */
    Optional<Path> writePgpass(Path file) throws IOException {
        if (password.isEmpty()) {
            return Optional.empty();
        }
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, "*:*:*:" + escape(user) + ":" + escape(password.get()) + "\n", StandardCharsets.UTF_8);
        return Optional.of(file);
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace(":", "\\:");
    }
}
