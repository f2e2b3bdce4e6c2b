package io.pgha.backup.run;

import io.pgha.core.BoundedCommand;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL on a restored data directory: no TCP (a private socket folder, trust for
 * local connections only), WAL from a prefetched folder, run as the PostgreSQL OS user when
 * backup-service runs as root. Queried with psql over the socket.
 */
final class DrillInstance implements AutoCloseable {
    private static final int PORT = 5432;

    private final Path binDir;
    private final Path root;
    private final Path data;
    private final Path wal;
    private final Path socket;
    private final Path log;
    private final String osUser;
    private final String superuser;
    private Process process;

    DrillInstance(Path binDir, Path root, String osUser, String superuser) {
        this.binDir = binDir;
        this.root = root;
        this.data = root.resolve("data");
        this.wal = root.resolve("wal");
        this.socket = root.resolve("socket");
        this.log = root.resolve("postgres.log");
        this.osUser = osUser;
        this.superuser = superuser;
    }

    Path data() {
        return data;
    }

    Path wal() {
        return wal;
    }

    /** Creates the folders (the data folder stays absent for the download). */
    void prepare() throws IOException {
        Files.createDirectories(root);
        Files.createDirectories(wal);
        Files.createDirectories(socket);
        Files.writeString(root.resolve("pg_hba.conf"), "local all all trust\n");
    }

    /** Hands every file to the OS user (after the download) and writes recovery.signal. */
    void ownAndSignal() throws IOException {
        Files.deleteIfExists(data.resolve("standby.signal"));
        Files.deleteIfExists(data.resolve("postmaster.pid"));
        Files.writeString(data.resolve("recovery.signal"), "");
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rwx------"));
        if (switchUser()) {
            UserPrincipalLookupService lookup = root.getFileSystem().getUserPrincipalLookupService();
            var user = lookup.lookupPrincipalByName(osUser);
            GroupPrincipal group = lookup.lookupPrincipalByGroupName(osUser);
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : walk.toList()) {
                    Files.setOwner(p, user);
                    Files.getFileAttributeView(p, PosixFileAttributeView.class).setGroup(group);
                }
            }
        }
    }

    /** Starts the postmaster with recovery settings {@code recovery} (name → value). */
    void start(Map<String, String> recovery) throws IOException {
        // one setpriv: the OS user when root, and a killed backup-service takes its drill along
        List<String> command = new ArrayList<>(List.of("setpriv", "--pdeathsig", "KILL"));
        if (switchUser()) {
            command.addAll(prefix().subList(1, prefix().size()));
        }
        command.addAll(List.of(
                binDir.resolve("postgres").toString(),
                "-D",
                data.toString(),
                "-c",
                "port=" + PORT,
                "-c",
                "listen_addresses=",
                // the backup's pgha.conf may turn TLS on with certificate paths of the member it came from
                "-c",
                "ssl=off",
                "-c",
                "unix_socket_directories=" + socket,
                "-c",
                "hba_file=" + root.resolve("pg_hba.conf"),
                "-c",
                "archive_mode=off",
                "-c",
                "primary_conninfo=",
                "-c",
                "primary_slot_name=",
                "-c",
                "hot_standby=on",
                "-c",
                "synchronous_standby_names=",
                "-c",
                "cluster_name=pgha-drill",
                "-c",
                "restore_command=cp " + wal + "/%f %p"));
        recovery.forEach((k, v) -> command.addAll(List.of("-c", k + "=" + v)));
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** One value of {@code sql} (psql, unaligned, tuples only), or null when it does not answer. */
    String query(String sql) throws IOException {
        List<String> command = new ArrayList<>(prefix());
        command.addAll(List.of(
                binDir.resolve("psql").toString(),
                "-X",
                "-A",
                "-t",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                socket.toString(),
                "-p",
                Integer.toString(PORT),
                "-U",
                superuser,
                "-d",
                "postgres",
                "-c",
                sql));
        BoundedCommand.Result r = BoundedCommand.run(command, Map.of(), Duration.ofSeconds(60));
        return r.ok() ? r.output().strip() : null;
    }

    /** Waits until {@code sql} answers {@code expected}; throws with the log's tail when it dies or times out. */
    void await(String what, String sql, String expected, Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            if (!alive()) {
                throw new IOException("the restored PostgreSQL stopped while waiting until " + what + ": " + logTail());
            }
            if (expected.equals(query(sql))) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IOException(
                        "the restored PostgreSQL did not reach '" + what + "' within " + timeout + ": " + logTail());
            }
            Thread.sleep(300);
        }
    }

    /** {@code pg_amcheck} over the catalog's indexes and tables (installs amcheck when missing). */
    void amcheck() throws IOException {
        List<String> command = new ArrayList<>(prefix());
        command.addAll(List.of(
                binDir.resolve("pg_amcheck").toString(),
                "-h",
                socket.toString(),
                "-p",
                Integer.toString(PORT),
                "-U",
                superuser,
                "-d",
                "postgres",
                "--install-missing",
                "--schema=pg_catalog",
                "--no-dependent-toast"));
        BoundedCommand.Result r = BoundedCommand.run(command, Map.of(), Duration.ofMinutes(10));
        if (!r.ok()) {
            throw new IOException("pg_amcheck found problems in the restored catalog (exit " + r.exitCode() + "): "
                    + PgTools.lastLines(r.output(), 6));
        }
    }

    /** Fast shutdown (SIGINT), SIGKILL after 30 s. */
    void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        try {
            BoundedCommand.run(List.of("kill", "-INT", Long.toString(process.pid())), Map.of(), Duration.ofSeconds(5));
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** Stops PostgreSQL and removes the whole folder. */
    @Override
    public void close() {
        stop();
        BaseBackup.removeSpool(root);
    }

    private boolean switchUser() {
        return "root".equals(System.getProperty("user.name"));
    }

    private List<String> prefix() {
        if (!switchUser()) {
            return List.of();
        }
        return List.of("setpriv", "--reuid=" + osUser, "--regid=" + osUser, "--init-groups");
    }
}
