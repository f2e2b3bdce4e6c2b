package io.pgha.monitor;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Settings of the health-monitor, under {@code pgha.health-monitor}. */
@ConfigMapping(prefix = "pgha.health-monitor")
public interface MonitorConfig {
    /** How often every member is probed. */
    @WithDefault("1s")
    Duration probeInterval();

    /** How long connecting (TCP and PostgreSQL's startup, authentication included) may take. */
    @WithDefault("400ms")
    Duration connectTimeout();

    /**
     * How long the probe query may run: sent as PostgreSQL's {@code statement_timeout} and enforced
     * by the monitor. connect-timeout + statement-timeout must be below probe-interval.
     */
    @WithDefault("400ms")
    Duration statementTimeout();

    /** How often an unchanged member's state is published anyway. */
    @WithDefault("5s")
    Duration heartbeatInterval();

    /** The first wait after an authentication failure (or too many connections); doubles each time. */
    @WithDefault("5s")
    Duration authBackoffInitial();

    /** The longest wait between probes of a member whose authentication fails. */
    @WithDefault("5m")
    Duration authBackoffMax();

    /**
     * How long a member that left the topology (its member key expired) is still exported as
     * unreachable ({@code pgha_member_reachable} 0), unless it comes back first: long enough for
     * {@code PghaMemberDown} to fire and reach a person, bounded so a member removed on purpose stops
     * alerting.
     */
    @WithDefault("1h")
    Duration departedMemberRetention();

    /** The monitoring role (the node-agent creates {@code pgha_monitor}, a member of pg_monitor). */
    @WithDefault("pgha_monitor")
    String user();

    /**
     * Its password; none for trust or peer-less setups. Never logged. Prefer {@link #passwordFile()} or
     * the environment ({@code PGHA_HEALTH_MONITOR_PASSWORD}) over a value in a file others read.
     */
    Optional<String> password();

    /** A file whose first line is the password; re-read when it changes (rotation without a restart). */
    @WithName("password-file")
    Optional<Path> passwordFile();

    /** The database the probe connects to. */
    @WithDefault("postgres")
    String database();

    /** The name this instance puts in the {@code observer} of its events; the messaging instance when absent. */
    Optional<String> observer();

    /**
     * The CA (PEM) that signed the PostgreSQL members' certificates: when set, every probe connects
     * with {@code sslmode=verify-full} (the certificate must name the host in the member's conn_url).
     */
    @WithName("postgres-ca-file")
    Optional<Path> postgresCaFile();

    /** Per-cluster credentials, overriding user and password: {@code clusters."<cluster>".password}. */
    Map<String, ClusterCredentials> clusters();

    /** The credentials of one cluster. */
    interface ClusterCredentials {
        /**
         * How long a member that left the topology (its member key expired) is still exported as
         * unreachable ({@code pgha_member_reachable} 0), unless it comes back first: long enough for
         * {@code PghaMemberDown} to fire and reach a person, bounded so a member removed on purpose stops
         * alerting.
         */
        @WithDefault("1h")
        Duration departedMemberRetention();

        /** The monitoring role in this cluster. */
        Optional<String> user();

        /** Its password. */
        Optional<String> password();

        /** A file whose first line is its password; re-read when it changes. */
        @WithName("password-file")
        Optional<Path> passwordFile();
    }
}
