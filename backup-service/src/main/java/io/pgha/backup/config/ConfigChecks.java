package io.pgha.backup.config;

import io.pgha.core.EtcdLayout;
import io.pgha.core.SecretSetting;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** The start-time checks of {@link BackupConfig}: a bad value stops the service, naming the property. */
public final class ConfigChecks {
    private static final Pattern MAX_RATE = Pattern.compile("[0-9]{1,7}[kM]?");

    private ConfigChecks() {}

    /**
     * The bearer token as it is now (a token file is re-read when it changes: rotation without a restart),
     * or an exception naming the properties to set.
     */
    public static Supplier<String> token(BackupConfig.Api api) {
        return SecretSetting.following("pgha.api.token", api.token(), api.tokenFile())
                .orElseThrow(
                        () -> new IllegalArgumentException(
                                "missing setting pgha.api.token or pgha.api.token-file: mutating REST calls need a bearer token"));
    }

    /** This instance's name: the configured one, else the host name. */
    public static String name(BackupConfig.Backup b) {
        String name = b.name().orElseGet(ConfigChecks::hostName);
        try {
            return EtcdLayout.requireName("backup-service", name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid setting pgha.backup.name: " + e.getMessage());
        }
    }

    /** The configured clusters (each a valid name), or empty to discover them in etcd. */
    public static Optional<List<String>> clusters(BackupConfig.Backup b) {
        if (b.clusters().isEmpty()) {
            return Optional.empty();
        }
        for (String cluster : b.clusters().get()) {
            try {
                EtcdLayout.requireName("cluster", cluster);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid setting pgha.backup.clusters: " + e.getMessage());
            }
        }
        return Optional.of(List.copyOf(b.clusters().get()));
    }

    /** Fails naming the property when a timing, count or tool setting is out of range. */
    public static void values(BackupConfig config) {
        BackupConfig.Backup b = config.backup();
        if (config.etcdEndpoints().isEmpty()) {
            throw new IllegalArgumentException("invalid setting pgha.etcd.endpoints: give at least one etcd URL");
        }
        atLeast("pgha.backup.interval", b.interval(), Duration.ofMinutes(1));
        b.schedule().ifPresent(cron -> io.pgha.backup.decide.CronSchedule.parse(cron, "pgha.backup.schedule"));
        atLeast("pgha.backup.election-ttl", b.electionTtl(), Duration.ofSeconds(3));
        atLeast("pgha.backup.tick", b.tick(), Duration.ofMillis(100));
        atLeast("pgha.backup.basebackup-timeout", b.basebackupTimeout(), Duration.ofSeconds(10));
        atLeast("pgha.backup.wal-wait", b.walWait(), Duration.ofSeconds(5));
        atLeast("pgha.backup.archive-progress-interval", b.archiveProgressInterval(), Duration.ZERO);
        atLeast("pgha.backup.heartbeat-interval", b.heartbeatInterval(), Duration.ZERO);
        if (b.tick().compareTo(b.electionTtl().dividedBy(3)) > 0) {
            throw new IllegalArgumentException("invalid setting pgha.backup.tick: " + b.tick()
                    + " must be at most a third of pgha.backup.election-ttl (" + b.electionTtl() + ")");
        }
        if (b.retention().fullCount() < 1) {
            throw new IllegalArgumentException("invalid setting pgha.backup.retention.full-count: "
                    + b.retention().fullCount() + " must be at least 1 (the newest backup is always kept)");
        }
        b.retention()
                .recoveryWindow()
                .ifPresent(w -> atLeast("pgha.backup.retention.recovery-window", w, Duration.ofMinutes(1)));
        b.drill().interval().ifPresent(i -> atLeast("pgha.backup.drill.interval", i, Duration.ofMinutes(1)));
        atLeast("pgha.backup.drill.replay-timeout", b.drill().replayTimeout(), Duration.ofSeconds(10));
        try {
            EtcdLayout.requireName("OS user", config.postgres().osUser());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid setting pgha.postgres.os-user: " + e.getMessage());
        }
        b.dump().interval().ifPresent(i -> atLeast("pgha.backup.dump.interval", i, Duration.ofMinutes(1)));
        atLeast("pgha.backup.dump.timeout", b.dump().timeout(), Duration.ofSeconds(10));
        if (b.dump().keep() < 1) {
            throw new IllegalArgumentException(
                    "invalid setting pgha.backup.dump.keep: " + b.dump().keep() + " must be at least 1");
        }
        b.maxRate().ifPresent(rate -> {
            if (!MAX_RATE.matcher(rate).matches()) {
                throw new IllegalArgumentException("invalid setting pgha.backup.max-rate: '" + rate
                        + "' is not a pg_basebackup rate like 512k or 32M");
            }
        });
        if (!b.spool().isAbsolute()) {
            throw new IllegalArgumentException(
                    "invalid setting pgha.backup.spool: " + b.spool() + " must be an absolute path");
        }
        Path basebackup = config.postgres().binDir().resolve("pg_basebackup");
        if (!Files.isExecutable(basebackup)) {
            throw new IllegalArgumentException("invalid setting pgha.postgres.bin-dir: " + basebackup
                    + " is not an executable (install PostgreSQL's client tools or point to them)");
        }
        String type = config.repository().type().strip();
        if (type.equalsIgnoreCase("none")) {
            throw new IllegalArgumentException(
                    "invalid setting pgha.repository.type: backup-service needs a repository (posix or s3), not none");
        }
    }

    private static void atLeast(String property, Duration value, Duration min) {
        if (value.compareTo(min) < 0) {
            throw new IllegalArgumentException(
                    "invalid setting " + property + ": " + value + " is below the minimum of " + min);
        }
    }

    private static String hostName() {
        String fromEnv = System.getenv("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.replaceAll("[^A-Za-z0-9_.-]", "-");
        }
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9_.-]", "-");
        } catch (IOException e) {
            return "backup-service";
        }
    }
}
