package io.pgha.agent.wal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The WAL archiver's settings ({@code pgha.archive.*}), checked at start: every problem names its
 * property.
 *
 * @param pushAhead files pushed at once ahead of PostgreSQL's serial archiver
 * @param queueSize ready files waiting to be pushed ahead at most
 * @param prefetch segments fetched ahead of recovery
 * @param timeout PostgreSQL's archive_timeout
 * @param commandTimeout how long curl waits for the agent
 * @param curl the curl binary archive_command and restore_command run
 */
public record ArchiveSettings(
        int pushAhead, int queueSize, int prefetch, Duration timeout, Duration commandTimeout, String curl) {
    /** A command name or an absolute path of safe characters (it is written into a shell command). */
    private static final Pattern CURL = Pattern.compile("[A-Za-z0-9_./+-]{1,200}");

    /** The settings, or an IllegalArgumentException naming every bad property. */
    public static ArchiveSettings checked(
            int pushAhead, int queueSize, int prefetch, Duration timeout, Duration commandTimeout, String curl) {
        List<String> problems = new ArrayList<>();
        if (pushAhead < 1 || pushAhead > 32) {
            problems.add("pgha.archive.push-ahead=" + pushAhead + " must be between 1 and 32");
        }
        if (queueSize < 1 || queueSize > 10_000) {
            problems.add("pgha.archive.queue-size=" + queueSize + " must be between 1 and 10000");
        }
        if (prefetch < 0 || prefetch > 64) {
            problems.add("pgha.archive.prefetch=" + prefetch + " must be between 0 and 64");
        }
        if (timeout.isNegative() || (!timeout.isZero() && timeout.toSeconds() < 1) || timeout.toSeconds() > 86_400) {
            problems.add("pgha.archive.timeout=" + timeout + " must be 0s (never switch) or between 1s and 1d");
        }
        if (commandTimeout.toSeconds() < 5 || commandTimeout.toSeconds() > 3600) {
            problems.add("pgha.archive.command-timeout=" + commandTimeout + " must be between 5s and 1h");
        }
        if (curl == null || !CURL.matcher(curl).matches() || curl.startsWith("-")) {
            problems.add("pgha.archive.curl must be a command name or a path of letters, digits and ./_+-");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid setting: " + String.join("; ", problems));
        }
        return new ArchiveSettings(pushAhead, queueSize, prefetch, timeout, commandTimeout, curl);
    }
}
