package io.pgha.system;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A three-member highly available PostgreSQL cluster behind HAProxy's read-write port, as
 * {@link FailoverBenchIT} drives it: pgha ({@link PghaBenchCluster}) or Patroni ({@link PatroniCluster}).
 * Faults and observations only; what they mean is the benchmark's business.
 */
interface BenchedCluster extends AutoCloseable {
    /** The system as the report names it ({@code pgha}, {@code Patroni defaults}). */
    String label();

    /** Its failover timings, for the report ({@code ttl 10 s}). */
    String timings();

    /** Starts everything and returns once a member leads (the benchmark then waits until it is healthy). */
    void start();

    /** The members' names. */
    List<String> members();

    /** HAProxy's read-write port on 127.0.0.1. */
    int readWritePort();

    /**
     * More JDBC URL parameters for its PostgreSQL ({@code &sslmode=verify-full&sslrootcert=...} when it
     * runs TLS); empty by default.
     */
    default String jdbcParameters() {
        return "";
    }

    /** The PostgreSQL superuser's ({@code postgres}) password. */
    String superuserPassword();

    /** {@code member}'s own PostgreSQL port on 127.0.0.1. */
    int postgresPort(String member);

    /**
     * The pid of each of its own service processes that runs now, by a name for the report ({@code agent
     * pg-0}, {@code patroni pg-0}); not PostgreSQL, etcd or HAProxy, which every system runs alike.
     */
    Map<String, Long> servicePids();

    /** The member that holds the leader key now; throws when none does. */
    String leader();

    /** kill -9 of {@code member}'s manager (agent or Patroni) and of its postmaster; returns once both are gone. */
    void killNode(String member);

    /** kill -9 of {@code member}'s postmaster only. */
    void killPostmaster(String member);

    /**
     * The member a planned switchover from {@code primary} goes to: in synchronous mode a synchronous
     * standby (Patroni refuses any other with 412), otherwise the first other member.
     */
    default String switchoverCandidate(String primary) {
        return members().stream().filter(m -> !m.equals(primary)).findFirst().orElseThrow();
    }

    /** A planned switchover from {@code leader} to {@code candidate}; returns once it has completed. */
    void switchover(String leader, String candidate);

    /** Starts again the manager of every member that is not running (after {@link #killNode}). */
    void restartStopped();

    /** How long a fault may take before writes must have resumed (generous: a bound, not a target). */
    Duration resumeDeadline();

    /** Stops every process it started; safe to call twice. */
    @Override
    void close();
}
