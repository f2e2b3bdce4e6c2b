package io.pgha.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.List;

/**
 * The unprivileged OS user that PostgreSQL runs as. PostgreSQL refuses to run as root, so when this
 * JVM is root, commands are wrapped in {@code setpriv} to that user (created when missing); otherwise
 * they run as the current user.
 */
public final class OsUser {
    /** The user PostgreSQL runs as when this JVM is root: Debian's postgres account, created when missing. */
    public static final String DEFAULT_USER = "postgres";

    private static OsUser instance;

    private final String name;
    private final boolean switchUser;

    private OsUser(String name, boolean switchUser) {
        this.name = name;
        this.switchUser = switchUser;
    }

    /** The user for PostgreSQL processes on this machine. */
    public static synchronized OsUser forPostgres() {
        if (instance == null) {
            boolean root = "root".equals(System.getProperty("user.name"));
            if (root) {
                ensureExists(DEFAULT_USER);
                instance = new OsUser(DEFAULT_USER, true);
            } else {
                instance = new OsUser(System.getProperty("user.name"), false);
            }
        }
        return instance;
    }

    public String name() {
        return name;
    }

    /** What to put before a command so that it runs as this user. */
    public List<String> commandPrefix() {
        if (!switchUser) {
            return List.of();
        }
        return List.of(
                Commands.require("setpriv", "util-linux").toString(),
                "--reuid=" + name,
                "--regid=" + name,
                "--init-groups");
    }

    /** Makes {@code path} (an existing file or folder) owned by this user and its group; returns it. */
    public Path own(Path path) {
        if (!switchUser) {
            return path;
        }
        try {
            UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(path, lookup.lookupPrincipalByName(name));
            Files.getFileAttributeView(path, PosixFileAttributeView.class)
                    .setGroup(lookup.lookupPrincipalByGroupName(name));
            return path;
        } catch (IOException e) {
            throw new UncheckedIOException("could not give " + path + " to user " + name, e);
        }
    }

    /** Creates {@code dir} (mode 700) owned by this user. */
    public Path ownedDir(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            if (switchUser) {
                UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
                Files.setOwner(dir, lookup.lookupPrincipalByName(name));
                GroupPrincipal group = lookup.lookupPrincipalByGroupName(name);
                Files.getFileAttributeView(dir, PosixFileAttributeView.class).setGroup(group);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("could not create " + dir + " for user " + name, e);
        }
    }

    /**
     * Copies {@code source} to {@code target} readable by this user only (mode 600, owned by it): how a
     * key made by this JVM reaches a process that runs as this user.
     */
    public Path ownedCopy(Path source, Path target) {
        try {
            Files.copy(source, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
            if (switchUser) {
                UserPrincipalLookupService lookup = target.getFileSystem().getUserPrincipalLookupService();
                Files.setOwner(target, lookup.lookupPrincipalByName(name));
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("could not copy " + source + " to " + target + " for user " + name, e);
        }
    }

    private static void ensureExists(String user) {
        if (Commands.run(List.of("id", "-u", user), Duration.ofSeconds(5)).ok()) {
            return;
        }
        Commands.run(
                        List.of(
                                Commands.require("useradd", "passwd").toString(),
                                "--system",
                                "--user-group",
                                "--no-create-home",
                                "--shell",
                                "/usr/sbin/nologin",
                                user),
                        Duration.ofSeconds(30))
                .orThrow();
    }

    /** True when {@code path} is owned by this user (for checks in tests). */
    public boolean owns(Path path) {
        try {
            return Files.getOwner(path).getName().equals(name);
        } catch (IOException e) {
            return false;
        }
    }
}
