package io.pgha.local;

import io.pgha.core.BoundedCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs short commands to completion (initdb, pg_basebackup, ip, kill) and finds binaries. */
public final class Commands {
    private static final List<Path> SEARCH_PATH = searchPath();

    private Commands() {}

    /** What a finished command printed (stdout and stderr merged) and its exit code. */
    public record Result(List<String> command, int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** Returns this result, or throws with the command and its output when it failed. */
        public Result orThrow() {
            if (!ok()) {
                throw new IllegalStateException(
                        "command failed (exit " + exitCode + "): " + String.join(" ", command) + "\n" + output);
            }
            return this;
        }
    }

    public static Result run(List<String> command, java.time.Duration timeout) {
        return run(command, Map.of(), timeout);
    }

    /**
     * Runs {@code command} with extra environment, waiting at most {@code timeout} (then it is killed
     * with its child processes: {@link BoundedCommand}).
     */
    public static Result run(List<String> command, Map<String, String> env, java.time.Duration timeout) {
        try {
            BoundedCommand.Result result = BoundedCommand.run(command, env, timeout);
            return new Result(command, result.exitCode(), result.output());
        } catch (IOException e) {
            return new Result(command, -1, e.toString());
        }
    }

    /**
     * The absolute path of {@code binary}, found on PATH or in the sbin folders.
     *
     * @throws IllegalStateException naming the Debian package that provides it when it is missing
     */
    public static Path require(String binary, String debianPackage) {
        for (Path dir : SEARCH_PATH) {
            Path candidate = dir.resolve(binary);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw missing(binary, debianPackage);
    }

    /** {@code dir/binary}, or an error naming the package that provides it. */
    public static Path require(Path dir, String binary, String debianPackage) {
        Path candidate = dir.resolve(binary);
        if (!Files.isExecutable(candidate)) {
            throw missing(candidate.toString(), debianPackage);
        }
        return candidate;
    }

    private static IllegalStateException missing(String binary, String debianPackage) {
        return new IllegalStateException(binary + " not found: it comes with the Debian package " + debianPackage
                + "; install it with 'apt-get install " + debianPackage
                + "' (./pgha test and ./pgha up install it for you)");
    }

    private static List<Path> searchPath() {
        List<Path> dirs = new ArrayList<>();
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(":")) {
            if (!dir.isBlank()) {
                dirs.add(Path.of(dir));
            }
        }
        for (String dir : List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
            dirs.add(Path.of(dir));
        }
        return dirs;
    }
}
