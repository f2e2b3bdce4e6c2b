package io.pgha.backup.run;

import io.pgha.backup.decide.DumpRetention;
import io.pgha.backup.decide.SourceChoice;
import io.pgha.backup.dump.DumpCatalog;
import io.pgha.backup.dump.DumpRecord;
import io.pgha.core.BoundedCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Logical backups, as named steps: list the databases, {@code pg_dump -Fc} each from the chosen member
 * into the spool, seal it into the repository, record the run; then retention. And the restore of one
 * database's dump into a new database on the primary with {@code pg_restore}.
 */
final class LogicalDump {
    private static final Logger LOG = Logger.getLogger(LogicalDump.class);
    /** Database names pgha passes to pg_dump and pg_restore (no quoting, no connection strings). */
    static final Pattern DATABASE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}");

    record Context(
            String cluster,
            DumpCatalog catalog,
            PrimarySql sql,
            Credentials superuser,
            Path binDir,
            Path spool,
            Duration timeout,
            int keep,
            java.util.function.Consumer<io.pgha.events.PghaEvent> events,
            Clock clock) {}

    private final Context ctx;

    LogicalDump(Context ctx) {
        this.ctx = ctx;
    }

    /** Dumps every database of the cluster: the record, COMPLETE or FAILED. */
    DumpRecord run(String id, SourceChoice.Choice choice) {
        Endpoint source = Endpoint.of(choice.source(), choice.sourceStatus().connUrl());
        DumpRecord record = DumpRecord.running(
                id, ctx.cluster(), choice.source(), ctx.clock().instant());
        Path dir = ctx.spool().resolve("dumps").resolve(ctx.cluster() + "-" + id);
        try {
            ctx.catalog().save(record);
            List<String> all = databases(source);
            List<String> names =
                    all.stream().filter(n -> DATABASE.matcher(n).matches()).toList();
            record = record.withSkipped(
                    all.stream().filter(n -> !names.contains(n)).toList());
            Files.createDirectories(dir);
            List<DumpRecord.Database> dumped = new ArrayList<>();
            for (String db : names) {
                dumped.add(dumpOne(id, dumped.size() + 1, db, source, dir));
            }
            record = record.with("COMPLETE", dumped, ctx.clock().instant(), null);
            ctx.catalog().save(record);
            LOG.infof("logical backup %s complete: %d databases from %s", id, dumped.size(), choice.source());
            ctx.events()
                    .accept(new io.pgha.events.BackupEvent.LogicalBackupCompleted(
                            ctx.cluster(),
                            id,
                            choice.source(),
                            dumped.size(),
                            dumped.stream().mapToLong(DumpRecord.Database::size).sum(),
                            ctx.clock().instant()));
            retention(id);
            return record;
        } catch (Exception e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            LOG.warnf("logical backup %s failed: %s", id, reason);
            ctx.events()
                    .accept(new io.pgha.events.BackupEvent.LogicalBackupFailed(
                            ctx.cluster(), id, reason, ctx.clock().instant()));
            DumpRecord failed = record.with("FAILED", List.of(), ctx.clock().instant(), reason);
            try {
                ctx.catalog().delete(id);
                ctx.catalog().save(failed);
            } catch (IOException io) {
                LOG.warnf("logical backup %s: cannot record the failure (%s)", id, io.getMessage());
            }
            return failed;
        } finally {
            BaseBackup.removeSpool(dir);
        }
    }

    /** Restores {@code database} of dump {@code record} into the new database {@code into} on the primary. */
    void restore(DumpRecord record, String database, String into, Endpoint primary) throws Exception {
        DumpRecord.Database db = record.databases().stream()
                .filter(d -> d.name().equals(database))
                .findFirst()
                .orElseThrow(() -> new IOException("dump " + record.id() + " has no database " + database));
        Path dir = ctx.spool().resolve("dumps").resolve(ctx.cluster() + "-restore-" + record.id() + "-" + into);
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(database + ".dump");
            ctx.catalog().fetch(record, db, file);
            try (Connection c = ctx.sql().connect(primary);
                    Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE \"" + into + "\"");
            }
            List<String> command = new ArrayList<>(List.of(
                    "setpriv",
                    "--pdeathsig",
                    "KILL",
                    ctx.binDir().resolve("pg_restore").toString(),
                    "-h",
                    primary.host(),
                    "-p",
                    Integer.toString(primary.port()),
                    "-U",
                    ctx.superuser().user(),
                    "-w",
                    "--exit-on-error",
                    "--dbname=" + into,
                    file.toString()));
            run("pg_restore into " + into, command, dir);
            LOG.infof("dump %s: database %s restored into %s", record.id(), database, into);
        } finally {
            BaseBackup.removeSpool(dir);
        }
    }

    private DumpRecord.Database dumpOne(String id, int object, String db, Endpoint source, Path dir) throws Exception {
        Path file = dir.resolve(object + ".dump");
        List<String> command = List.of(
                "setpriv",
                "--pdeathsig",
                "KILL",
                ctx.binDir().resolve("pg_dump").toString(),
                "-h",
                source.host(),
                "-p",
                Integer.toString(source.port()),
                "-U",
                ctx.superuser().user(),
                "-w",
                "-Fc",
                "-f",
                file.toString(),
                "--dbname=" + db);
        run("pg_dump of " + db, command, dir);
        try {
            return ctx.catalog().put(id, object, db, file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private void run(String what, List<String> command, Path dir) throws IOException {
        Map<String, String> env = new HashMap<>(ctx.sql().tls().env());
        env.put("PGCONNECT_TIMEOUT", "10");
        Path pgpass = dir.resolve(".pgpass");
        ctx.superuser().writePgpass(pgpass).ifPresent(f -> env.put("PGPASSFILE", f.toString()));
        try {
            BoundedCommand.Result r = BoundedCommand.run(command, env, ctx.timeout());
            if (!r.ok()) {
                throw new IOException(
                        what + " failed (exit " + r.exitCode() + "): " + PgTools.lastLines(r.output(), 6));
            }
        } finally {
            Files.deleteIfExists(pgpass);
        }
    }

    private List<String> databases(Endpoint source) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = ctx.sql().connect(source);
                Statement st = c.createStatement();
                ResultSet r = st.executeQuery(
                        "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname")) {
            while (r.next()) {
                names.add(r.getString(1));
            }
        }
        return names;
    }

    private void retention(String live) throws IOException {
        List<DumpRetention.Run> runs = ctx.catalog().list().stream()
                .map(r -> new DumpRetention.Run(r.id(), r.state()))
                .toList();
        for (String id : DumpRetention.remove(runs, ctx.keep(), live)) {
            ctx.catalog().delete(id);
            LOG.infof("retention removed logical backup %s", id);
        }
    }
}
