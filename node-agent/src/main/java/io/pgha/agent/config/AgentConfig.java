package io.pgha.agent.config;

import io.pgha.core.EtcdLayout;
import io.pgha.core.store.EtcdSecurityConfig;
import io.pgha.repository.RepositoryConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's static configuration ({@code pgha.*}, from system properties, environment or
 * application.properties). Passwords and the REST token come from the environment (say {@code
 * PGHA_POSTGRES_SUPERUSER_PASSWORD}) or from secret files, and are never logged.
 */
@ConfigMapping(prefix = "pgha")
public interface AgentConfig {
    /** The cluster's name (Patroni's scope); its keys live under {@code <pgha.etcd.namespace>/<cluster>/}. */
    String cluster();

    /** This member's name, unique within the cluster; also its replication slot and application_name. */
    String name();

    /** etcd client URLs, comma-separated (e.g. {@code http://10.0.0.1:2379,http://10.0.0.2:2379}). */
    @WithName("etcd.endpoints")
    List<String> etcdEndpoints();

    /** TLS files and user of the etcd client ({@code pgha.etcd.tls.*}, {@code pgha.etcd.user}, {@code pgha.etcd.password-file}). */
    @WithName("etcd")
    EtcdSecurityConfig etcdSecurity();

    /**
     * The root of every key ({@code <namespace>/<cluster>/...}); the coordinator, config-renderer and
     * backup-service must use the same {@code pgha.etcd.namespace}.
     */
    @WithName("etcd.namespace")
    @WithDefault(EtcdLayout.DEFAULT_NAMESPACE)
    String etcdNamespace();

    /** The PostgreSQL instance this agent owns. */
    Postgres postgres();

    /** The REST API (its port is {@code quarkus.http.port}, 8008 by default). */
    RestApi restapi();

    /** Tags published in the member key and used by routing and failover. */
    Tags tags();

    /** How this agent calls agents' REST APIs (its own, from archive_command and restore_command). */
    @WithName("agent-api")
    AgentApi agentApi();

    /** Trust for agents' REST APIs over HTTPS. */
    interface AgentApi {
        /**
         * PEM file of the CA that signed the agents' certificates ({@code pgha.agent-api.ca-file});
         * absent: the system's CAs.
         */
        @WithName("ca-file")
        Optional<Path> caFile();
    }

    /** Dynamic settings written to {@code /pgha/<cluster>/config} when the cluster is bootstrapped. */
    Dcs dcs();

    /** Self-fencing of a primary that cannot renew its lease. */
    Fencing fencing();

    /** Optional scripts run (in the background) with arguments: action, role, cluster. */
    Callbacks callbacks();

    /** The backup repository WAL is archived to and restored from ({@code type=none}: no archiving). */
    RepositoryConfig repository();

    /** How the agent archives and restores WAL when a repository is configured. */
    Archive archive();

    /** How a member without a data directory gets one. */
    BootstrapMethod bootstrap();

    /** WAL archiving through the agent (archive_command and restore_command call it with curl). */
    interface Archive {
        /** WAL files pushed at once ahead of PostgreSQL's serial archiver (1-32). */
        @WithName("push-ahead")
        @WithDefault("4")
        int pushAhead();

        /** Ready WAL files waiting to be pushed ahead at most; more are left to PostgreSQL's archiver (1-10000). */
        @WithName("queue-size")
        @WithDefault("64")
        int queueSize();

        /** WAL segments fetched ahead of recovery into the spool folder (0-64). */
        @WithDefault("8")
        int prefetch();

        /** PostgreSQL's archive_timeout: a segment is switched (and archived) at least this often (0s: never, else at least 1s). */
        @WithName("timeout")
        @WithDefault("60s")
        Duration timeout();

        /** Seconds curl waits for the agent in archive_command and restore_command (5-3600). */
        @WithName("command-timeout")
        @WithDefault("300s")
        Duration commandTimeout();

        /** The curl PostgreSQL's archive_command and restore_command run (on PostgreSQL's PATH by default). */
        @WithDefault("curl")
        String curl();
    }

    /** Bootstrap settings. */
    interface BootstrapMethod {
        /** {@code initdb} (a new, empty cluster) or {@code repository} (point-in-time restore of a backup). */
        @WithDefault("initdb")
        String method();

        /**
         * How a new replica gets its data: {@code basebackup} (pg_basebackup from the leader) or
         * {@code repository} (the newest complete backup of this cluster, then the WAL archive and
         * streaming; pg_basebackup when there is no usable backup).
         */
        @WithName("replica-method")
        @WithDefault("basebackup")
        String replicaMethod();

        /** Where a repository bootstrap restores from when no restore request is in etcd. */
        @WithName("repository")
        RestoreSource repository();
    }

    /** The restore a repository bootstrap performs when etcd holds no restore request. */
    interface RestoreSource {
        /** The cluster whose backups and WAL archive are restored. */
        @WithName("source-cluster")
        Optional<String> sourceCluster();

        /** The backup to restore; absent: the newest complete backup that fits the target. */
        @WithName("backup-id")
        Optional<String> backupId();

        /** The recovery target: one of time, lsn, xid, name, immediate, latest. */
        Target target();

        /** How long the restore (download and recovery up to the target) may take before it is given up. */
        @WithDefault("1h")
        Duration timeout();
    }

    /** A recovery target given in properties. */
    interface Target {
        /** Recover up to this instant (ISO-8601, e.g. 2026-12-01T10:15:30Z). */
        Optional<String> time();

        /** Recover up to this LSN (e.g. 0/3000060). */
        Optional<String> lsn();

        /** Recover up to this transaction id. */
        Optional<String> xid();

        /** Recover up to this restore point (pg_create_restore_point). */
        Optional<String> name();

        /** Stop as soon as the backup is consistent. */
        @WithDefault("false")
        boolean immediate();

        /** Replay the whole archive (the default when no other target is given). */
        @WithDefault("false")
        boolean latest();
    }

    /** Callback scripts, as in Patroni. */
    interface Callbacks {
        /** Run after PostgreSQL was started. */
        @WithName("on-start")
        Optional<String> onStart();

        /** Run after PostgreSQL was stopped. */
        @WithName("on-stop")
        Optional<String> onStop();

        /** Run when PostgreSQL's role changed (primary / replica). */
        @WithName("on-role-change")
        Optional<String> onRoleChange();
    }

    /** PostgreSQL settings. */
    interface Postgres {
        /** The data directory; created (mode 700) when missing. Its parent must be writable. */
        @WithName("data-dir")
        Path dataDir();

        /** PostgreSQL's bin folder (initdb, postgres, pg_basebackup, pg_rewind). */
        @WithName("bin-dir")
        @WithDefault("/usr/lib/postgresql/15/bin")
        Path binDir();

        /** The address PostgreSQL listens on. */
        @WithName("listen-host")
        @WithDefault("127.0.0.1")
        String listenHost();

        /** The address other members and clients use to reach PostgreSQL (default: listen-host). */
        @WithName("connect-host")
        Optional<String> connectHost();

        /** PostgreSQL's TCP port. */
        @WithDefault("5432")
        int port();

        /** The network allowed to connect over TCP in pg_hba.conf (scram-sha-256; trust only with allow-trust). */
        @WithName("allowed-cidr")
        @WithDefault("127.0.0.0/8")
        String allowedCidr();

        /**
         * Let TCP connections from {@code allowed-cidr} in without a password when the superuser,
         * replication or monitoring password is not set (tests only; the agent warns at start).
         * Without it, a missing password stops the agent at start.
         */
        @WithName("allow-trust")
        @WithDefault("false")
        boolean allowTrust();

        /** Whether PostgreSQL, initdb and pg_basebackup sync to disk (turn off only for tests). */
        @WithDefault("true")
        boolean fsync();

        /** Extra postgresql.conf parameters, e.g. {@code pgha.postgres.parameters.shared_buffers=64MB}. */
        Map<String, String> parameters();

        /** Re-clone with pg_basebackup when pg_rewind fails, so that the member always comes back. */
        @WithName("reclone-on-rewind-failure")
        @WithDefault("true")
        boolean recloneOnRewindFailure();

        /** Seconds a fast shutdown may take before an immediate one. */
        @WithName("stop-timeout")
        @WithDefault("20s")
        Duration stopTimeout();

        /** The superuser the agent connects as (created by initdb). */
        Superuser superuser();

        /** The role replicas stream as (created at bootstrap, REPLICATION LOGIN). */
        Replication replication();

        /** The least-privilege monitoring role (created at bootstrap, member of pg_monitor). */
        Monitoring monitoring();

        /**
         * The least-privilege role PgBouncer looks client passwords up as ({@code auth_user}; created at
         * bootstrap, may only execute {@code pgha_pooler.user_lookup}).
         */
        Pooler pooler();

        /** TLS for PostgreSQL: off unless all three files are set. */
        Tls tls();
    }

    /**
     * PostgreSQL TLS from operator-provided PEM files. When set, PostgreSQL serves TLS ({@code ssl =
     * on}), pg_hba.conf accepts TCP connections only over TLS, and every connection the agent makes
     * (replication, pg_basebackup, pg_rewind, SQL) uses {@code sslmode=verify-full} against the CA.
     */
    interface Tls {
        /** The server certificate (PEM); must name pgha.postgres.connect-host (else listen-host). */
        @WithName("cert-file")
        Optional<Path> certFile();

        /** The certificate's unencrypted private key (PEM); copied with mode 600 for PostgreSQL. */
        @WithName("key-file")
        Optional<Path> keyFile();

        /** The CA that signed every member's certificate: what the agent verifies the others against. */
        @WithName("ca-file")
        Optional<Path> caFile();
    }

    /** Pooler lookup credentials. */
    interface Pooler {
        /** Role name. */
        @WithDefault("pgha_pooler")
        String username();

        /** Password (prefer {@code PGHA_POSTGRES_POOLER_PASSWORD} or the password file); none: no pooled logins. */
        Optional<String> password();

        /** A file whose first line is the password. */
        @WithName("password-file")
        Optional<Path> passwordFile();
    }

    /** Superuser credentials. */
    interface Superuser {
        /** Role name. */
        @WithDefault("postgres")
        String username();

        /** Password (prefer {@code PGHA_POSTGRES_SUPERUSER_PASSWORD} or the password file). */
        Optional<String> password();

        /** A file whose first line is the password. */
        @WithName("password-file")
        Optional<Path> passwordFile();
    }

    /** Replication credentials. */
    interface Replication {
        /** Role name. */
        @WithDefault("replicator")
        String username();

        /** Password (prefer {@code PGHA_POSTGRES_REPLICATION_PASSWORD} or the password file). */
        Optional<String> password();

        /** A file whose first line is the password. */
        @WithName("password-file")
        Optional<Path> passwordFile();
    }

    /** Monitoring credentials. */
    interface Monitoring {
        /** Role name. */
        @WithDefault("pgha_monitor")
        String username();

        /** Password (prefer {@code PGHA_POSTGRES_MONITORING_PASSWORD} or the password file). */
        Optional<String> password();

        /** A file whose first line is the password. */
        @WithName("password-file")
        Optional<Path> passwordFile();
    }

    /** REST API settings. */
    interface RestApi {
        /** The address others use to reach this REST API, published as api_url (default: quarkus.http.host). */
        @WithName("connect-host")
        Optional<String> connectHost();

        /** Bearer token required by POST /restart, /reload, /reinitialize (prefer PGHA_RESTAPI_TOKEN). */
        Optional<String> token();

        /** A file whose first line is the bearer token. */
        @WithName("token-file")
        Optional<Path> tokenFile();
    }

    /** Member tags (Patroni's names). */
    interface Tags {
        /** Never promote this member. */
        @WithDefault("false")
        boolean nofailover();

        /** Higher is preferred among equally advanced candidates; 0 means never. */
        @WithName("failover-priority")
        @WithDefault("1")
        int failoverPriority();

        /** Keep this member out of read load balancing (/replica answers 503). */
        @WithDefault("false")
        boolean noloadbalance();

        /** Never choose this member as a synchronous standby. */
        @WithDefault("false")
        boolean nosync();

        /**
         * Any other tag (Patroni's user-defined tags), e.g. {@code pgha.tags.custom.rack=r1}: published with
         * the member and matched by health checks such as {@code GET /replica?tag_rack=r1}; {@code true},
         * {@code false} and whole numbers are published as JSON booleans and numbers, as Patroni's YAML does.
         */
        Map<String, String> custom();
    }

    /** Bootstrap values of the dynamic configuration (seconds, bytes). */
    interface Dcs {
        /** Seconds a lease lives without renewal. */
        @WithDefault("10")
        int ttl();

        /** Seconds between two runs of the loop. */
        @WithName("loop-wait")
        @WithDefault("1")
        int loopWait();

        /** Seconds an etcd or PostgreSQL operation may take. */
        @WithName("retry-timeout")
        @WithDefault("3")
        int retryTimeout();

        /** Seconds a crashed primary gets to come back before the leader key is released. */
        @WithName("primary-start-timeout")
        @WithDefault("10")
        int primaryStartTimeout();

        /** How far behind (bytes, or with a unit like 16MB) a replica may be and still be promoted. */
        @WithName("maximum-lag-on-failover")
        @WithDefault("1MB")
        String maximumLagOnFailover();

        /** Rewind a diverged former primary (else re-clone it). */
        @WithName("use-pg-rewind")
        @WithDefault("true")
        boolean usePgRewind();
    }

    /** Self-fencing settings. */
    interface Fencing {
        /**
         * How long before its lease can expire a primary that could not renew it demotes; the demotion
         * (a fast shutdown) must fit in it. Must be less than ttl.
         */
        @WithName("safety-margin")
        @WithDefault("3s")
        Duration safetyMargin();
    }
}
