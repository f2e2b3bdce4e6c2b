package io.pgha.backup.run;

import io.pgha.core.BoundedCommand;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * PostgreSQL's client tools as backup-service runs them: every command bounded in time, its output
 * captured, the password passed through a pgpass file (never on the command line).
 */
final class PgTools {
    private final Path binDir;
    private final ClientTls tls;

    PgTools(Path binDir, ClientTls tls) {
        this.binDir = binDir;
        this.tls = tls;
    }

    /** {@code pg_basebackup -D target -Fp -X none -c fast} from {@code source} as the replication role. */
    void basebackup(
            Endpoint source, Credentials role, Path pgpass, Path target, Optional<String> maxRate, Duration timeout)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(
                "setpriv",
                "--pdeathsig",
                "KILL", // a killed backup-service leaves no pg_basebackup behind
                binDir.resolve("pg_basebackup").toString(),
                "-h",
                source.host(),
                "-p",
                Integer.toString(source.port()),
                "-U",
                role.user(),
                "-w",
                "-D",
                target.toString(),
                "-Fp",
                "-X",
                "none",
                "-c",
                "fast",
                "--no-sync",
                "--label=pgha backup"));
        maxRate.ifPresent(rate -> command.add("--max-rate=" + rate));
        run("pg_basebackup from " + source, command, role.writePgpass(pgpass), timeout);
    }

    /** {@code pg_verifybackup -n dir}: every file against the backup's manifest (WAL is checked later). */
    void verifybackup(Path dir, Duration timeout) throws IOException {
        run(
                "pg_verifybackup",
                List.of(binDir.resolve("pg_verifybackup").toString(), "-n", dir.toString()),
                Optional.empty(),
                timeout);
    }

    /** {@code pg_controldata dir}: the system identifier ("Database system identifier"). */
    String systemIdentifier(Path dir, Duration timeout) throws IOException {
        BoundedCommand.Result result = BoundedCommand.run(
                List.of(binDir.resolve("pg_controldata").toString(), "-D", dir.toString()), Map.of(), timeout);
        if (!result.ok()) {
            throw new IOException(
                    "pg_controldata failed (exit " + result.exitCode() + "): " + lastLines(result.output(), 4));
        }
        return result.output()
                .lines()
                .filter(l -> l.startsWith("Database system identifier:"))
                .map(l -> l.substring(l.indexOf(':') + 1).strip())
                .findFirst()
                .orElseThrow(() -> new IOException("pg_controldata printed no system identifier"));
    }

    private void run(String what, List<String> command, Optional<Path> pgpass, Duration timeout) throws IOException {
        Map<String, String> env = new HashMap<>(tls.env());
        env.put("PGCONNECT_TIMEOUT", "10");
        pgpass.ifPresent(file -> env.put("PGPASSFILE", file.toString()));
        BoundedCommand.Result result = BoundedCommand.run(command, env, timeout);
        if (!result.ok()) {
            throw new IOException(what + " failed (exit " + result.exitCode() + "): " + lastLines(result.output(), 6));
        }
    }

    static String lastLines(String output, int n) {
        List<String> lines = output.strip().lines().toList();
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }
}
