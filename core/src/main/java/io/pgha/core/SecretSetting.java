package io.pgha.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * A secret setting ({@code pgha.api.token}, a password) given as a value or as a file ({@code <property>-file})
 * whose first line is the secret. Errors name the property and the file, never the secret.
 *
 * <p>{@link #following} is the rotating form: it re-reads the file when the file changes (its modification
 * time or size), so a new token or password takes effect without a restart; a file that becomes empty or
 * unreadable keeps the last good secret and logs why (a rotation half done must not lock everyone out).
 */
public final class SecretSetting {
    private static final Logger LOG = Logger.getLogger(SecretSetting.class);

    private SecretSetting() {}

    /**
     * {@code value} when set, else the first line of {@code file}, else empty.
     *
     * @throws IllegalArgumentException naming {@code property}-file when the file is empty or unreadable
     */
    public static Optional<String> resolve(String property, Optional<String> value, Optional<Path> file) {
        if (value.isPresent() && !value.get().isBlank()) {
            return Optional.of(value.get().strip());
        }
        return file.map(f -> read(property, f));
    }

    /**
     * The secret as it is now: {@code value} when set (fixed), else the file's first line, re-read when the
     * file changes; empty when neither is set.
     *
     * @throws IllegalArgumentException at once when the file is empty or unreadable
     */
    public static Optional<Supplier<String>> following(String property, Optional<String> value, Optional<Path> file) {
        if (value.isPresent() && !value.get().isBlank()) {
            String fixed = value.get().strip();
            return Optional.of(() -> fixed);
        }
        return file.map(f -> new FollowedFile(property, f));
    }

    private static String read(String property, Path file) {
        String first;
        try {
            first = Files.readString(file, StandardCharsets.UTF_8)
                    .lines()
                    .findFirst()
                    .orElse("")
                    .strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("invalid setting " + property + "-file: cannot read " + file + " ("
                    + e.getClass().getSimpleName() + "): check the path and that this service's user may read it");
        }
        if (first.isEmpty()) {
            throw new IllegalArgumentException(
                    "invalid setting " + property + "-file: " + file + " is empty: put the secret on its first line");
        }
        return first;
    }

    /** A file's secret, re-read when its modification time or size changes. */
    private static final class FollowedFile implements Supplier<String> {
        private final String property;
        private final Path file;
        private FileTime modified;
        private long size;
        private String secret;

        FollowedFile(String property, Path file) {
            this.property = property;
            this.file = file;
            this.secret = read(property, file);
            stamp();
        }

        @Override
        public synchronized String get() {
            FileTime wasModified = modified;
            long wasSize = size;
            stamp();
            if (modified != null && (!modified.equals(wasModified) || size != wasSize)) {
                try {
                    String now = read(property, file);
                    if (!now.equals(secret)) {
                        LOG.infof("%s-file %s changed: the new secret is in use", property, file);
                        secret = now;
                    }
                } catch (IllegalArgumentException e) {
                    LOG.warnf("%s; keeping the secret read before", e.getMessage());
                }
            }
            return secret;
        }

        private void stamp() {
            try {
                modified = Files.getLastModifiedTime(file);
                size = Files.size(file);
            } catch (IOException e) {
                modified = null; // gone for now (being replaced): keep what was read
            }
        }
    }
}
