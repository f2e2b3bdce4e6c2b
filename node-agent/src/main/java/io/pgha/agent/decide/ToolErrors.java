package io.pgha.agent.decide;

import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/**
 * Whether a failed clone or rewind (pg_basebackup, pg_rewind, the slot created on the leader) can
 * succeed by itself on a later attempt. Permanent: authentication (SQLSTATE 28xxx, "password
 * authentication failed", "no pg_hba.conf entry"), permission denied, a data directory or server of
 * another system or an incompatible version, a source without checksums or wal_log_hints; these need
 * an operator and are retried only slowly. Anything else (a refused or reset connection, a timeout, a
 * leader that is starting) is retriable. Pure.
 */
public final class ToolErrors {
    private static final int MAX_REASON = 300;

    /** What could be fixed by trying again, and a short reason to show. */
    public record Classified(boolean permanent, String reason) {}

    private record Rule(String needle, String reason) {}

    private static final List<Rule> PERMANENT = List.of(
            new Rule("password authentication failed", "authentication failed (check the replication password)"),
            new Rule("authentication failed", "authentication failed (check the replication password)"),
            new Rule("no pg_hba.conf entry", "no pg_hba.conf entry on the source (check allowed CIDR and user)"),
            new Rule("permission denied", "permission denied (check the data directory's owner and mode)"),
            new Rule("incompatible", "incompatible version or settings"),
            new Rule("system identifier", "the source belongs to another cluster (system identifier differs)"),
            new Rule("different systems", "the source belongs to another cluster (system identifier differs)"),
            new Rule("wal_log_hints", "pg_rewind needs data checksums or wal_log_hints = on"));

    private ToolErrors() {}

    public static Classified classify(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql
                    && sql.getSQLState() != null
                    && sql.getSQLState().startsWith("28")) {
                return new Classified(true, "authentication failed (SQLSTATE " + sql.getSQLState() + ")");
            }
        }
        return classify(messages(error));
    }

    /** The class of a tool's output or an error message. */
    public static Classified classify(String message) {
        String text = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if (text.matches("(?s).*sqlstate[^0-9a-z]{0,3}28[0-9a-z]{3}.*")) {
            return new Classified(true, "authentication failed (SQLSTATE 28xxx)");
        }
        for (Rule rule : PERMANENT) {
            if (text.contains(rule.needle())) {
                return new Classified(true, rule.reason());
            }
        }
        return new Classified(false, shorten(message));
    }

    private static String messages(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null) {
                text.append(t.getMessage()).append('\n');
            }
        }
        return text.toString();
    }

    private static String shorten(String message) {
        String line = message == null ? "unknown error" : message.strip().replaceAll("\\s+", " ");
        return line.length() <= MAX_REASON ? line : line.substring(0, MAX_REASON) + "...";
    }
}
