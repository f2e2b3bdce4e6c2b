package io.pgha.core;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one client of PgBouncer's admin console ({@code SHOW POOLS}, {@code RELOAD}, {@code PAUSE db},
 * {@code RESUME db}), used by local's launcher and config-renderer: through {@code psql}, bounded by its
 * timeout ({@link BoundedCommand}). Not JDBC: the driver sends {@code SET extra_float_digits} at
 * connect, which the admin console refuses ("SET failed"). The password goes in the environment, never
 * on the command line.
 *
 * @param psql the {@code psql} binary
 * @param host PgBouncer's address
 * @param port its port
 * @param user a user of {@code admin_users} (or {@code stats_users} for SHOW)
 * @param password its password
 * @param timeout how long one command may take (a PAUSE waits for running transactions)
 */
public record PgBouncerAdmin(String psql, String host, int port, String user, String password, Duration timeout) {
    private static final String FIELD_SEPARATOR = "\u001f";

    /** The admin console refused the command, or could not be reached. */
    public static final class AdminException extends RuntimeException {
        public AdminException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Runs {@code command}; its rows (column to text value), empty for a command without rows. */
    public List<Map<String, String>> run(String command) {
        List<String> argv = List.of(
                psql,
                "-X",
                "-q",
                "-A",
                "-F",
                FIELD_SEPARATOR,
                "-P",
                "footer=off",
                "-h",
                host,
                "-p",
                Integer.toString(port),
                "-U",
                user,
                "-d",
                "pgbouncer",
                "-c",
                command);
        BoundedCommand.Result result;
        try {
            result = BoundedCommand.run(argv, Map.of("PGPASSWORD", password, "PGCONNECT_TIMEOUT", "3"), timeout);
        } catch (IOException e) {
            throw new AdminException("could not run " + psql + ": " + e.getMessage(), e);
        }
        if (!result.ok()) {
            throw new AdminException(
                    "PgBouncer's admin console on " + host + ":" + port + " did not take '" + command + "'"
                            + (result.timedOut() ? " within " + timeout.toMillis() + " ms" : "") + ": "
                            + result.output().strip(),
                    null);
        }
        return rows(result.output());
    }

    /** psql's unaligned output (a header line, then one line per row) as rows. */
    static List<Map<String, String>> rows(String output) {
        List<Map<String, String>> rows = new ArrayList<>();
        List<String> lines = output.lines().filter(l -> !l.isEmpty()).toList();
        if (lines.isEmpty()) {
            return rows;
        }
        String[] header = lines.get(0).split(FIELD_SEPARATOR, -1);
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(FIELD_SEPARATOR, -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.length; i++) {
                row.put(header[i], i < fields.length ? fields[i] : "");
            }
            rows.add(row);
        }
        return rows;
    }

    @Override
    public String toString() {
        return "PgBouncerAdmin[" + user + "@" + host + ":" + port + "]"; // never the password
    }
}
