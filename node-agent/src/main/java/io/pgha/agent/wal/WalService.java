package io.pgha.agent.wal;

import io.pgha.agent.pg.ExtraSettings;
import io.pgha.repository.Repository;
import io.pgha.repository.wal.WalArchive;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's WAL archiving when a repository is configured: the token, the pusher (archive_command)
 * and the fetcher (restore_command), and the settings they put into pgha.conf. Restores read this
 * cluster's archive, or the source cluster of a point-in-time restore under way (no other).
 */
public final class WalService implements AutoCloseable {
    private final String cluster;
    private final Repository repository;
    private final ArchiveSettings settings;
    private final ArchiveToken token;
    private final ArchivePusher pusher;
    private final WalFetcher fetcher;
    private final String agentHost;
    private final int agentPort;
    private final ArchiveCommands.Tls tls;
    private final Set<String> readable = ConcurrentHashMap.newKeySet();
    private final AbsentHistory absent;
    private final Path pgWal;

    /**
     * Writes the token file into {@code nodeDir} and the archiving settings into {@code extra}.
     *
     * @param dataDir PostgreSQL's data directory (its parent is the node folder)
     */
    public WalService(
            String cluster,
            Repository repository,
            ArchiveSettings settings,
            Path dataDir,
            String agentHost,
            int agentPort,
            ArchiveCommands.Tls tls,
            ExtraSettings extra,
            Runnable logContext) {
        this.cluster = cluster;
        this.repository = repository;
        this.settings = settings;
        this.agentHost = agentHost;
        this.agentPort = agentPort;
        this.tls = tls;
        Path nodeDir = dataDir.toAbsolutePath().getParent();
        this.token = ArchiveToken.create(nodeDir.resolve("wal-auth.header"), nodeDir);
        this.pusher =
                new ArchivePusher(repository.walArchive(cluster), dataDir, settings, Clock.systemUTC(), logContext);
        Map<String, WalArchive> archives = new ConcurrentHashMap<>();
        this.fetcher = new WalFetcher(
                c -> archives.computeIfAbsent(c, repository::walArchive),
                nodeDir.resolve("wal-spool"),
                settings.prefetch(),
                logContext);
        this.absent = new AbsentHistory(nodeDir);
        this.pgWal = dataDir.resolve("pg_wal");
        readable.add(cluster);
        extra.archive(ArchiveCommands.parameters(
                settings,
                token.headerFile(),
                agentHost,
                agentPort,
                tls,
                repository.walArchive(cluster).localFolder()));
    }

    public String cluster() {
        return cluster;
    }

    public Repository repository() {
        return repository;
    }

    public ArchiveToken token() {
        return token;
    }

    public ArchivePusher pusher() {
        return pusher;
    }

    public WalFetcher fetcher() {
        return fetcher;
    }

    /**
     * Right before {@code pg_promote}: marks the next timeline's history file absent when the archive
     * has none, for restore_command to answer at once ({@link AbsentHistory}); close the mark once the
     * promotion is over, whatever its outcome.
     */
    public AbsentHistory.Mark beforePromotion() {
        return absent.beforePromotion(repository.walArchive(cluster), pgWal);
    }

    /** Whether restore_command may read {@code sourceCluster}'s archive (this one's, or a restore's source). */
    public boolean readable(String sourceCluster) {
        return readable.contains(sourceCluster);
    }

    /**
     * Lets restore_command read {@code sourceCluster}'s archive and returns the restore_command that
     * does (for a point-in-time restore from another cluster).
     */
    public String restoreCommandFrom(String sourceCluster) {
        readable.add(sourceCluster);
        return ArchiveCommands.restoreCommand(
                settings, token.headerFile(), agentHost, agentPort, Optional.of(sourceCluster), tls);
    }

    @Override
    public void close() {
        pusher.close();
        fetcher.close();
        repository.close();
    }
}
