package io.pgha.system;

import io.pgha.local.Commands;
import io.pgha.local.OsUser;
import io.pgha.local.PostgresNode;
import io.pgha.local.Workspace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Debian's pgBackRest (package {@code pgbackrest}, installed when missing) configured for one local
 * PostgreSQL as {@link BackupBenchIT} compares it with pgha: a posix repository in the workspace,
 * asynchronous archiving ({@code archive-async=y}), {@code process-max} and zstd level as given. Every
 * command runs as PostgreSQL's OS user with {@code --config} pointing at the workspace's file, so the
 * machine's {@code /etc/pgbackrest.conf} is never read or written; pgBackRest starts no daemon (its
 * asynchronous archive-push process exits once its queue is empty).
 */
final class PgBackRest {
    static final String STANZA = "bench";
    private static final String PACKAGE = "pgbackrest";

    private final Path home;
    private final Path config;
    private final Path repo;

    /**
     * Writes the configuration for {@code primary} (data directory, socket, port) into {@code
     * workspace/pgbackrest}.
     *
     * @param processMax pgBackRest's {@code process-max} (backup, restore, async archive-push/get)
     * @param zstdLevel pgBackRest's {@code compress-level} with {@code compress-type=zst}
     */
    PgBackRest(Workspace workspace, Path dataDir, Path socketDir, int port, int processMax, int zstdLevel) {
        OsUser user = OsUser.forPostgres();
        home = user.ownedDir(workspace.dirReachableBy(user, "pgbackrest").resolve("home"));
        repo = user.ownedDir(home.resolve("repo"));
        config = home.resolve("pgbackrest.conf");
        String text = String.join(
                "\n",
                "[global]",
                "repo1-path=" + repo,
                "repo1-retention-full=99",
                "process-max=" + processMax,
                "compress-type=zst",
                "compress-level=" + zstdLevel,
                "archive-async=y",
                "spool-path=" + user.ownedDir(home.resolve("spool")),
                "lock-path=" + user.ownedDir(home.resolve("lock")),
                "log-path=" + user.ownedDir(home.resolve("log")),
                "log-level-console=warn",
                "log-level-file=info",
                "start-fast=y",
                "",
                "[" + STANZA + "]",
                "pg1-path=" + dataDir,
                "pg1-port=" + port,
                "pg1-socket-path=" + socketDir,
                "pg1-user=" + PostgresNode.SUPERUSER,
                "");
        try {
            Files.writeString(config, text);
            Commands.run(List.of("chown", user.name() + ":", config.toString()), Duration.ofSeconds(10));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + config, e);
        }
    }

    /** PostgreSQL's archive_command that hands segments to pgBackRest's asynchronous archive-push. */
    String archiveCommand() {
        return binary() + " --config=" + config + " --stanza=" + STANZA + " archive-push %p";
    }

    /** The repository's folder. */
    Path repository() {
        return repo;
    }

    /** Where the full backups are ({@code repo/backup/<stanza>}). */
    Path backups() {
        return repo.resolve("backup").resolve(STANZA);
    }

    /** {@code stanza-create} (PostgreSQL must run with the archive_command already in force). */
    void stanzaCreate() {
        run(Duration.ofMinutes(2), "stanza-create");
    }

    /** A full backup ({@code backup --type=full}), start-fast: returns once pgBackRest says it is done. */
    void fullBackup() {
        run(Duration.ofMinutes(60), "backup", "--type=full");
    }

    /**
     * Restores the newest backup into {@code target} (an empty folder owned by PostgreSQL's user) to
     * the point where it is consistent, then promote: pgBackRest writes recovery.signal and its
     * archive-get restore_command.
     */
    void restoreImmediate(Path target) {
        run(Duration.ofMinutes(60), "--pg1-path=" + target, "--type=immediate", "--target-action=promote", "restore");
    }

    /** {@code pgbackrest version}, for the report. */
    static String version() {
        return Commands.run(List.of(binary().toString(), "version"), Duration.ofSeconds(30))
                .output()
                .strip();
    }

    private void run(Duration timeout, String... args) {
        List<String> command = new ArrayList<>(OsUser.forPostgres().commandPrefix());
        command.add(binary().toString());
        command.add("--config=" + config);
        command.add("--stanza=" + STANZA);
        command.addAll(List.of(args));
        Commands.run(command, Map.of("HOME", home.toString()), timeout).orThrow();
    }

    /**
     * Installs Debian's {@code pgbackrest} package when its binary is missing (with apt-get as root,
     * like {@link PatroniCluster#ensureInstalled()}), or fails with the command to run.
     */
    static void ensureInstalled() {
        if (installed()) {
            return;
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        Path aptGet = Path.of("/usr/bin/apt-get");
        if (!root || !Files.isExecutable(aptGet)) {
            throw new IllegalStateException("the benchmark needs Debian's pgbackrest package: install it with "
                    + "'sudo apt-get update && sudo apt-get install -y pgbackrest'");
        }
        System.out.println("installing Debian's pgbackrest package (apt-get install -y pgbackrest)");
        Map<String, String> env = Map.of("DEBIAN_FRONTEND", "noninteractive");
        Commands.run(List.of(aptGet.toString(), "update", "-qq"), env, Duration.ofMinutes(5))
                .orThrow();
        Commands.run(
                        List.of(aptGet.toString(), "install", "-y", "-qq", "--no-install-recommends", PACKAGE),
                        env,
                        Duration.ofMinutes(10))
                .orThrow();
        if (!installed()) {
            throw new IllegalStateException("apt-get install pgbackrest finished but /usr/bin/pgbackrest is missing");
        }
    }

    private static boolean installed() {
        try {
            binary();
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private static Path binary() {
        return Commands.require("pgbackrest", PACKAGE);
    }
}
