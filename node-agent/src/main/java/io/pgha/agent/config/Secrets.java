package io.pgha.agent.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Reads a secret from a value or a file; the error names the file, never the secret. */
public final class Secrets {
    private Secrets() {}

    /** {@code value}, else the first line of {@code file}, else empty. */
    public static Optional<String> resolve(String what, Optional<String> value, Optional<Path> file) {
        if (value.isPresent() && !value.get().isEmpty()) {
            return value;
        }
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try {
            String text = Files.readString(file.get(), StandardCharsets.UTF_8);
            String first = text.lines().findFirst().orElse("").strip();
            if (first.isEmpty()) {
                throw new IllegalArgumentException(what + " file " + file.get() + " is empty");
            }
            return Optional.of(first);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot read the " + what + " file " + file.get() + ": "
                            + e.getClass().getSimpleName(),
                    e);
        }
    }
}
