package io.pgha.agent.config;

import io.pgha.agent.wal.ArchiveSettings;
import io.pgha.core.ByteSize;
import io.pgha.core.DynamicConfig;
import java.util.List;

/** Start-time checks of the static configuration; messages name the property. */
public final class Checks {
    private Checks() {}

    /** The bootstrap dynamic config from {@code pgha.dcs.*}, or an exception naming the bad properties. */
    public static DynamicConfig dynamicConfig(AgentConfig.Dcs dcs) {
        long lag;
        try {
            lag = ByteSize.parse(dcs.maximumLagOnFailover());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid setting pgha.dcs.maximum-lag-on-failover: " + e.getMessage());
        }
        DynamicConfig config = new DynamicConfig(
                dcs.ttl(), dcs.loopWait(), dcs.retryTimeout(), dcs.primaryStartTimeout(), lag, dcs.usePgRewind());
        List<String> problems = config.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid setting in pgha.dcs.* (pgha.dcs.ttl, pgha.dcs.loop-wait,"
                    + " pgha.dcs.retry-timeout, pgha.dcs.primary-start-timeout): " + String.join("; ", problems));
        }
        return config;
    }

    /** The archiver's settings from {@code pgha.archive.*}, or an exception naming the bad properties. */
    public static ArchiveSettings archive(AgentConfig.Archive archive) {
        return ArchiveSettings.checked(
                archive.pushAhead(),
                archive.queueSize(),
                archive.prefetch(),
                archive.timeout(),
                archive.commandTimeout(),
                archive.curl());
    }

    /** {@code pgha.bootstrap.method}: {@code initdb} or {@code repository} (then a repository is required). */
    public static boolean bootstrapFromRepository(String method, boolean repositoryConfigured) {
        String m = method == null ? "" : method.strip();
        if (m.equals("initdb")) {
            return false;
        }
        if (!m.equals("repository")) {
            throw new IllegalArgumentException("invalid setting pgha.bootstrap.method='"
                    + m.replaceAll("\\p{Cntrl}", "?") + "': use initdb or repository");
        }
        if (!repositoryConfigured) {
            throw new IllegalArgumentException("pgha.bootstrap.method=repository needs a backup repository:"
                    + " set pgha.repository.type (posix or s3) and its settings");
        }
        return true;
    }

    /** {@code pgha.bootstrap.replica-method}: {@code basebackup} or {@code repository} (then a repository is required). */
    public static boolean replicasFromRepository(String method, boolean repositoryConfigured) {
        String m = method == null ? "" : method.strip();
        if (m.equals("basebackup")) {
            return false;
        }
        if (!m.equals("repository")) {
            throw new IllegalArgumentException("invalid setting pgha.bootstrap.replica-method='"
                    + m.replaceAll("\\p{Cntrl}", "?") + "': use basebackup or repository");
        }
        if (!repositoryConfigured) {
            throw new IllegalArgumentException("pgha.bootstrap.replica-method=repository needs a backup repository:"
                    + " set pgha.repository.type (posix or s3) and its settings");
        }
        return true;
    }
}
