package io.pgha.agent.wal;

import io.pgha.core.EtcdLayout;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * PostgreSQL's archiving settings when the agent archives (pure): {@code archive_command} and {@code
 * restore_command} hand each file to the agent on loopback with curl, the bearer token read from a
 * header file outside the data directory (so it is neither on a command line nor in a base backup).
 * Every member gets them, so a member promoted after a failover or switchover archives with no
 * change. curl's {@code -f} turns 4xx/5xx into a failure: PostgreSQL retries a failed archive later,
 * and a restore that answers 404 reads as "not in the archive".
 */
public final class ArchiveCommands {
    /** A host name, an IPv4 address or an IPv6 address (without brackets). */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:-]{1,253}");

    /** A path that can be written in single quotes into the shell command PostgreSQL runs. */
    private static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9_./+ -]*");

    private ArchiveCommands() {}

    /**
     * The settings for pgha.conf.
     *
     * @param settings the archiver's settings
     * @param headerFile the file with the {@code Authorization} header
     * @param agentHost the address the agent's REST API listens on ({@code 0.0.0.0} means loopback)
     * @param agentPort its port
     */
    public static Map<String, String> parameters(
            ArchiveSettings settings, Path headerFile, String agentHost, int agentPort) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("archive_mode", "on");
        p.put("archive_command", archiveCommand(settings, headerFile, agentHost, agentPort));
        p.put("restore_command", restoreCommand(settings, headerFile, agentHost, agentPort, Optional.empty()));
        p.put("archive_timeout", settings.timeout().toSeconds() + "s");
        return p;
    }

    /** {@code curl -fsS -X POST ... /wal/archive/%f}: the agent reads {@code pg_wal/%f} itself. */
    public static String archiveCommand(ArchiveSettings settings, Path headerFile, String agentHost, int agentPort) {
        return settings.curl() + " -fsS --max-time " + settings.commandTimeout().toSeconds()
                + " -o /dev/null -X POST -H @" + quoted(headerFile) + " " + base(agentHost, agentPort)
                + "/wal/archive/%f";
    }

    /**
     * {@code curl -fsS ... -o %p .../wal/restore/%f}, from this cluster's archive or (a point-in-time
     * restore into a new cluster) from {@code sourceCluster}'s.
     */
    public static String restoreCommand(
            ArchiveSettings settings,
            Path headerFile,
            String agentHost,
            int agentPort,
            Optional<String> sourceCluster) {
        String query = sourceCluster
                .map(c -> "?cluster=" + EtcdLayout.requireName("source cluster", c))
                .orElse("");
        return settings.curl() + " -fsS --max-time " + settings.commandTimeout().toSeconds() + " -H @"
                + quoted(headerFile) + " -o %p " + base(agentHost, agentPort) + "/wal/restore/%f" + query;
    }

    /** Where curl reaches the agent: its own address, or loopback when it listens on every address. */
    static String base(String agentHost, int agentPort) {
        String host = agentHost == null || agentHost.isBlank() ? "127.0.0.1" : agentHost.strip();
        if (host.equals("0.0.0.0")) {
            host = "127.0.0.1";
        } else if (host.equals("::") || host.equals("[::]")) {
            host = "::1";
        }
        host = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!HOST.matcher(host).matches()) {
            throw new IllegalArgumentException("quarkus.http.host '" + host.replaceAll("\\p{Cntrl}", "?")
                    + "' cannot be written into" + " archive_command: use an address or a host name");
        }
        if (agentPort < 1 || agentPort > 65535) {
            throw new IllegalArgumentException("quarkus.http.port " + agentPort + " is not a port");
        }
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + agentPort;
    }

    private static String quoted(Path file) {
        String text = file.toAbsolutePath().toString();
        if (!SAFE_PATH.matcher(text).matches()) {
            throw new IllegalArgumentException("the node folder " + file.getParent() + " (the parent of"
                    + " pgha.postgres.data-dir) cannot be written into archive_command: use a path of letters,"
                    + " digits, blanks and ./_+-");
        }
        return "'" + text + "'";
    }
}
