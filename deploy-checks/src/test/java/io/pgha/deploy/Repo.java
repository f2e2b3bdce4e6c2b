package io.pgha.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root the checks read (the build passes it as {@code pgha.root}). */
final class Repo {
    private Repo() {}

    static Path root() {
        String root = System.getProperty("pgha.root");
        Path path = root != null ? Path.of(root) : Path.of("..");
        if (!Files.isDirectory(path.resolve("deploy/k8s"))) {
            Path parent = Path.of("").toAbsolutePath().getParent();
            if (parent != null && Files.isDirectory(parent.resolve("deploy/k8s"))) {
                return parent;
            }
            throw new IllegalStateException("cannot find the repository root (deploy/k8s) from pgha.root=" + root);
        }
        return path.toAbsolutePath().normalize();
    }
}
