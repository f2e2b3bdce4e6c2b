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

    /**
     * The shell prefix of this cluster's restore_command (dash builtins only, no fork): a timeline
     * history file already in {@code pg_wal} (the command runs in the data directory), or one marked
     * absent from the archive in {@code <node>/wal-absent/} ({@link AbsentHistory}: the next timeline's,
     * while a promotion runs), is answered "not found", and PostgreSQL then reads the {@code pg_wal} copy
     * if there is one (xlogarchive.c, {@code RestoreArchivedFile}: a failed restore falls back to {@code
     * pg_wal/<name>}). History files are immutable and written whole (temporary file and rename), so that
     * copy is the archive's, or the upstream's that this member follows. PostgreSQL asks for them at
     * every timeline rescan and promotion; a standby's WAL receiver has fetched the new timeline's file
     * from its upstream before its startup process rescans. Segments, and other history files, still go
     * to the archive. See DESIGN.md, "WAL archive".
     *
     * @param headerFile the archive's header file, in the node folder
     */
    static String localHistory(Path headerFile) {
        return "case %f in *.history) [ -f pg_wal/%f ] && exit 1; [ -f "
                + quoted(headerFile.toAbsolutePath().resolveSibling(AbsentHistory.FOLDER))
                + "/%f ] && exit 1;; esac; ";
    }

    /**
     * The shell prefix (dash builtins only, no fork) that answers "not found" at once for a WAL file the
     * archive does not hold, when the archive is a local folder ({@code walFolder}: a posix repository
     * keeps a file as {@code <walFolder>/<its first 8 characters, the timeline>/<its name>}, written whole
     * by a rename). A standby that lost its stream, and a candidate being promoted, ask for the next
     * segment and timeline again and again, and the answer is nearly always "not found": a curl (a fork,
     * a TLS login to the agent) took 0.1–1 s each on a loaded machine, and the startup process notices a
     * promotion only between two of them. A file that is there is still fetched by the agent (it decodes
     * and prefetches). The command runs as PostgreSQL's user, the agent's, which writes the folder.
     * Empty without a local folder, or when its path cannot be written into the command (curl answers
     * then, as before). PostgreSQL turns {@code %%} into {@code %}.
     */
    static String localArchive(Optional<Path> walFolder) {
        return walFolder
                .flatMap(ArchiveCommands::singleQuoted)
                .map(folder -> "f=%f; [ -f " + folder + "/\"${f%%\"${f#????????}\"}\"/%f ] || exit 1; ")
                .orElse("");
    }

    private ArchiveCommands() {}

    /**
     * How curl reaches the agent: plain HTTP, or HTTPS verified by the system's CAs or by {@code
     * caFile} ({@code pgha.agent-api.ca-file}, passed as {@code --cacert}).
     */
    public record Tls(boolean https, Optional<Path> caFile) {
        public static final Tls PLAIN = new Tls(false, Optional.empty());
    }

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
        return parameters(settings, headerFile, agentHost, agentPort, Tls.PLAIN);
    }

    /** The settings for pgha.conf when the agent's API speaks {@code tls}. */
    public static Map<String, String> parameters(
            ArchiveSettings settings, Path headerFile, String agentHost, int agentPort, Tls tls) {
        return parameters(settings, headerFile, agentHost, agentPort, tls, Optional.empty());
    }

    /**
     * The settings for pgha.conf when the agent's API speaks {@code tls}, with the archive's local folder
     * when it has one ({@link #localArchive}).
     */
    public static Map<String, String> parameters(
            ArchiveSettings settings,
            Path headerFile,
            String agentHost,
            int agentPort,
            Tls tls,
            Optional<Path> walFolder) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("archive_mode", "on");
        p.put("archive_command", archiveCommand(settings, headerFile, agentHost, agentPort, tls));
        p.put(
                "restore_command",
                restoreCommand(settings, headerFile, agentHost, agentPort, Optional.empty(), tls, walFolder));
        p.put("archive_timeout", settings.timeout().toSeconds() + "s");
        return p;
    }

    /** {@code curl -fsS -X POST ... /wal/archive/%f}: the agent reads {@code pg_wal/%f} itself. */
    public static String archiveCommand(
            ArchiveSettings settings, Path headerFile, String agentHost, int agentPort, Tls tls) {
        return settings.curl() + " -fsS --max-time " + settings.commandTimeout().toSeconds()
                + " -o /dev/null -X POST -H @" + quoted(headerFile) + cacert(tls) + " "
                + base(agentHost, agentPort, tls.https()) + "/wal/archive/%f";
    }

    /**
     * {@code curl -fsS ... -o %p .../wal/restore/%f}, from this cluster's archive or (a point-in-time
     * restore into a new cluster) from {@code sourceCluster}'s. This cluster's own command first answers
     * "not found" at once for a timeline history file that {@code pg_wal} already holds
     * or that a promotion marked absent ({@link #localHistory}), so that PostgreSQL reads pg_wal's copy
     * (or finds none) without a curl round trip.
     */
    public static String restoreCommand(
            ArchiveSettings settings,
            Path headerFile,
            String agentHost,
            int agentPort,
            Optional<String> sourceCluster) {
        return restoreCommand(settings, headerFile, agentHost, agentPort, sourceCluster, Tls.PLAIN);
    }

    /** {@link #restoreCommand(ArchiveSettings, Path, String, int, Optional)} over {@code tls}. */
    public static String restoreCommand(
            ArchiveSettings settings,
            Path headerFile,
            String agentHost,
            int agentPort,
            Optional<String> sourceCluster,
            Tls tls) {
        return restoreCommand(settings, headerFile, agentHost, agentPort, sourceCluster, tls, Optional.empty());
    }

    private static String restoreCommand(
            ArchiveSettings settings,
            Path headerFile,
            String agentHost,
            int agentPort,
            Optional<String> sourceCluster,
            Tls tls,
            Optional<Path> walFolder) {
        String query = sourceCluster
                .map(c -> "?cluster=" + EtcdLayout.requireName("source cluster", c))
                .orElse("");
        String curl = settings.curl() + " -fsS --max-time "
                + settings.commandTimeout().toSeconds() + " -H @"
                + quoted(headerFile) + cacert(tls) + " -o %p " + base(agentHost, agentPort, tls.https())
                + "/wal/restore/%f" + query;
        return sourceCluster.isPresent() ? curl : localHistory(headerFile) + localArchive(walFolder) + "exec " + curl;
    }

    /** Where curl reaches the agent: its own address, or loopback when it listens on every address. */
    static String base(String agentHost, int agentPort) {
        return base(agentHost, agentPort, false);
    }

    static String base(String agentHost, int agentPort, boolean https) {
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
        return (https ? "https://" : "http://") + (host.contains(":") ? "[" + host + "]" : host) + ":" + agentPort;
    }

    private static String cacert(Tls tls) {
        if (!tls.https() || tls.caFile().isEmpty()) {
            return "";
        }
        String text = tls.caFile().get().toAbsolutePath().toString();
        if (!SAFE_PATH.matcher(text).matches()) {
            throw new IllegalArgumentException("pgha.agent-api.ca-file " + text.replaceAll("\\p{Cntrl}", "?")
                    + " cannot be written into archive_command: use a path of letters, digits, blanks and ./_+-");
        }
        return " --cacert '" + text + "'";
    }

    private static String quoted(Path file) {
        return singleQuoted(file)
                .orElseThrow(() -> new IllegalArgumentException("the node folder " + file.getParent()
                        + " (the parent of pgha.postgres.data-dir) cannot be written into archive_command: use a"
                        + " path of letters, digits, blanks and ./_+-"));
    }

    /** The absolute path in single quotes, when it holds nothing the shell would read (empty otherwise). */
    private static Optional<String> singleQuoted(Path file) {
        String text = file.toAbsolutePath().toString();
        return SAFE_PATH.matcher(text).matches() ? Optional.of("'" + text + "'") : Optional.empty();
    }
}
