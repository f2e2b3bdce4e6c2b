package io.pgha.local.cli;

import io.pgha.local.OsUser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The local cluster's secrets (the REST API token, PostgreSQL passwords): generated once with
 * {@link SecureRandom}, kept in files of mode 600 under the home folder and reused by every later
 * {@code up} (the data directories keep the roles those passwords belong to).
 */
final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {}

    /** The first line of {@code file}; when the file does not exist, a new random secret written there (mode 600). */
    static String loadOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                String value = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                        .findFirst()
                        .orElse("")
                        .strip();
                if (value.isEmpty()) {
                    throw new IllegalStateException(file + " is empty: delete it and run './pgha up' again"
                            + " (a new secret does not match data made with the old one: './pgha down --purge')");
                }
                return value;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
        String value = generate();
        write(file, value, null);
        return value;
    }

    /** 32 random bytes, URL-safe Base64 without padding (43 characters, no quoting needed anywhere). */
    static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Writes {@code value} to {@code file} (mode 600, replaced atomically), owned by {@code owner} when it
     * is given and differs from this JVM's user (a copy that an agent running as postgres reads).
     */
    static Path write(Path file, String value, OsUser owner) {
        try {
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(temp);
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temp, value + "\n", StandardCharsets.UTF_8);
            if (owner != null && !owner.name().equals(System.getProperty("user.name"))) {
                UserPrincipal user =
                        temp.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(owner.name());
                Files.setOwner(temp, user);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }
}
