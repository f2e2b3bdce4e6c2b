package io.pgha.backup.config;

import io.pgha.core.store.EtcdSecurityConfig;
import io.pgha.repository.RepositoryConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** backup-service's settings ({@code pgha.*}); checked at start by {@link ConfigChecks}. */
@ConfigMapping(prefix = "pgha")
public interface BackupConfig {
    /** etcd client URLs, comma-separated (e.g. http://127.0.0.1:2379). */
    @WithName("etcd.endpoints")
    List<String> etcdEndpoints();

    /** TLS files and user of the etcd client ({@code pgha.etcd.tls.*}, {@code pgha.etcd.user}, {@code pgha.etcd.password-file}). */
    @WithName("etcd")
    EtcdSecurityConfig etcdSecurity();

    /** The root of every key (the agents' {@code pgha.etcd.namespace}). */
    @WithName("etcd.namespace")
    @WithDefault("/pgha")
    String etcdNamespace();

    /** The backup repository (the same {@code pgha.repository.*} the node-agents archive WAL into). */
    RepositoryConfig repository();

    Backup backup();

    Postgres postgres();

    Api api();

    /** What and when to back up. */
    interface Backup {
        /** This instance's name in the election key, backup records ({@code owner}) and events; the host name when not set. */
        Optional<String> name();

        /** The clusters to back up; every cluster found under the etcd namespace when not set. */
        Optional<List<String>> clusters();

        /** Time between two scheduled base backups of a cluster (measured from the last complete one). */
        @WithDefault("24h")
        Duration interval();

        /**
         * A cron expression (Quartz syntax, in UTC, e.g. {@code 0 0 2 * * ?} for 02:00 every day) for
         * scheduled base backups; when set it replaces {@code interval}: a backup is due at the first
         * time it names after the newest complete backup started.
         */
        Optional<String> schedule();

        /** Take a base backup as soon as a cluster without any complete backup has a running primary. */
        @WithName("first-backup-at-once")
        @WithDefault("true")
        boolean firstBackupAtOnce();

        /** How long this instance's leadership of a cluster outlives its last lease renewal. */
        @WithName("election-ttl")
        @WithDefault("10s")
        Duration electionTtl();

        /** The interval of each cluster's loop. */
        @WithDefault("1s")
        Duration tick();

        /** A folder of this machine where pg_basebackup writes before the upload (removed after each backup). */
        @WithDefault("${java.io.tmpdir}/pgha-backup-spool")
        Path spool();

        /** How long a base backup's pg_basebackup may run before it is killed and the backup failed. */
        @WithName("basebackup-timeout")
        @WithDefault("6h")
        Duration basebackupTimeout();

        /** pg_basebackup's --max-rate (e.g. {@code 32M}) so a backup does not saturate the source's disk; none by default. */
        @WithName("max-rate")
        Optional<String> maxRate();

        /** How long a copied backup waits for every WAL segment it needs to reach the archive before it fails. */
        @WithName("wal-wait")
        @WithDefault("5m")
        Duration walWait();

        /** The shortest time between two WalArchiveProgress events of a cluster. */
        @WithName("archive-progress-interval")
        @WithDefault("10s")
        Duration archiveProgressInterval();

        /** How often the heartbeat row is written on the primary (a restore drill checks it); 0 turns it off. */
        @WithName("heartbeat-interval")
        @WithDefault("5s")
        Duration heartbeatInterval();

        Retention retention();

        Drill drill();

        Dump dump();
    }

    /** Logical backups: pg_dump -Fc of every database, sealed into the repository. */
    interface Dump {
        /** Time between two scheduled logical backups of a cluster; none when not set (POST .../dumps still works). */
        Optional<Duration> interval();

        /** The number of complete logical backup runs kept. */
        @WithDefault("7")
        int keep();

        /** How long one pg_dump or pg_restore may run. */
        @WithDefault("6h")
        Duration timeout();
    }

    /** Restore drills: the newest backup restored to a random recent time into a throwaway instance. */
    interface Drill {
        /** Time between two scheduled drills of a cluster; no scheduled drills when not set (POST .../drills still works). */
        Optional<Duration> interval();

        /** How long the throwaway instance may take to replay to the target (and then to the end of the archive). */
        @WithName("replay-timeout")
        @WithDefault("10m")
        Duration replayTimeout();
    }

    /** What retention keeps (pinned backups are always kept). */
    interface Retention {
        /** The number of complete base backups kept, at least 1. */
        @WithName("full-count")
        @WithDefault("2")
        int fullCount();

        /** Keep every backup needed to restore to any time within this window (none when not set). */
        @WithName("recovery-window")
        Optional<Duration> recoveryWindow();
    }

    /** PostgreSQL tools and credentials (the same properties and environment variables as the node-agent's). */
    interface Postgres {
        /** The folder with pg_basebackup, pg_verifybackup, postgres and pg_amcheck. */
        @WithName("bin-dir")
        @WithDefault("/usr/lib/postgresql/15/bin")
        Path binDir();

        /** The superuser backup-service connects as for pg_switch_wal and the heartbeat table. */
        Credentials superuser();

        /** The replication role pg_basebackup connects as. */
        Credentials replication();

        /** PostgreSQL TLS of the members (the node-agent's {@code pgha.postgres.tls.*}). */
        Tls tls();

        /** The OS user a drill's PostgreSQL runs as when backup-service runs as root. */
        @WithName("os-user")
        @WithDefault("postgres")
        String osUser();
    }

    /** The members' PostgreSQL TLS, as backup-service sees it. */
    interface Tls {
        /**
         * The CA of the members' certificates: pg_basebackup, pg_dump and the SQL connections use
         * {@code sslmode=verify-full} against it (the certificates must name the hosts in conn_url).
         */
        @WithName("ca-file")
        Optional<Path> caFile();
    }

    /** A role and its password. */
    interface Credentials {
        /** Role name ({@code postgres} for the superuser, {@code replicator} for replication unless set). */
        Optional<String> username();

        /** Password (prefer {@code PGHA_POSTGRES_<ROLE>_PASSWORD} or the password file). */
        Optional<String> password();

        /** A file whose first line is the password. */
        @WithName("password-file")
        Optional<Path> passwordFile();
    }

    /** The REST API. */
    interface Api {
        /** The bearer token that mutating calls need. */
        Optional<String> token();

        /** A file holding that token (a Kubernetes secret). */
        @WithName("token-file")
        Optional<Path> tokenFile();
    }
}
