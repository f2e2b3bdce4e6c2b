package io.pgha.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The folder that the components of one test (or of {@code ./pgha up}) keep their data and logs in.
 * A temporary workspace is deleted on close and its processes die with the JVM; a persistent one
 * ({@code ./.pgha/}) is kept and its processes are detached.
 */
public final class Workspace implements AutoCloseable {
    private final Path root;
    private final boolean persistent;

    private Workspace(Path root, boolean persistent) {
        this.root = root;
        this.persistent = persistent;
    }

    /** A new folder under the system temp dir, deleted on close. */
    public static Workspace temporary(String prefix) {
        try {
            Path root = Files.createTempDirectory("pgha-" + prefix + "-");
            openForTraversal(root);
            return new Workspace(root, false);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a temp workspace", e);
        }
    }

    /** {@code home}, created when missing, kept on close; processes started in it outlive this JVM. */
    public static Workspace persistent(Path home) {
        try {
            Files.createDirectories(home);
            openForTraversal(home);
            return new Workspace(home.toAbsolutePath(), true);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create " + home, e);
        }
    }

    public Path root() {
        return root;
    }

    /** True for {@code ./pgha up}: processes are detached and data is kept. */
    public boolean persistent() {
        return persistent;
    }

    /** {@code root/parts...}, created (mode 755) when missing. */
    public Path dir(String... parts) {
        Path dir = root;
        for (String part : parts) {
            dir = dir.resolve(part);
        }
        try {
            Files.createDirectories(dir);
            openForTraversal(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("could not create " + dir, e);
        }
    }

    /**
     * {@code root/name}, or, when {@code user} cannot reach it (a clone under a home folder that
     * others may not enter), a folder under {@code /var/tmp} that {@code root/name} links to.
     */
    public Path dirReachableBy(OsUser user, String name) {
        Path wanted = root.resolve(name);
        if (Files.isSymbolicLink(wanted) || traversableByOthers(root)) {
            return Files.isSymbolicLink(wanted) ? wanted : dir(name);
        }
        try {
            String id = Integer.toHexString(root.toAbsolutePath().toString().hashCode());
            Path elsewhere = Path.of("/var/tmp", "pgha-" + id, name);
            Files.createDirectories(elsewhere);
            openForTraversal(elsewhere.getParent());
            openForTraversal(elsewhere);
            Files.createSymbolicLink(wanted, elsewhere);
            return wanted;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "user " + user.name() + " cannot reach " + wanted
                            + " and no folder under /var/tmp could be made for it",
                    e);
        }
    }

    /** The log file of a component, under {@code root/logs}. */
    public Path log(String component) {
        return dir("logs").resolve(component + ".log");
    }

    /** Deletes a temporary workspace; keeps a persistent one. */
    @Override
    public void close() {
        if (!persistent) {
            deleteRecursively(root);
        }
    }

    /** Deletes {@code dir} and everything below it (and what its symbolic links point to); a missing folder is fine. */
    public static void deleteRecursively(Path dir) {
        if (Files.isSymbolicLink(dir)) {
            try {
                deleteRecursively(dir.toRealPath());
                Files.delete(dir);
                return;
            } catch (IOException e) {
                throw new UncheckedIOException("could not delete " + dir, e);
            }
        }
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> links = Files.list(dir)) {
            links.filter(Files::isSymbolicLink).forEach(Workspace::deleteRecursively);
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + dir, e);
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalStateException("could not delete " + dir + ": " + e.getMessage(), e);
        }
    }

    private static boolean traversableByOthers(Path dir) {
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            try {
                if (!Files.getPosixFilePermissions(p)
                        .contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    private static void openForTraversal(Path dir) throws IOException {
        // PostgreSQL runs as an unprivileged user and must reach its own folders below this one.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
