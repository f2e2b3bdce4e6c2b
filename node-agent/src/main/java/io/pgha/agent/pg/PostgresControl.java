package io.pgha.agent.pg;

import java.util.Collection;
import java.util.Optional;

/**
 * Everything the agent does to its PostgreSQL instance: the one interface between the agent's
 * decisions and the data directory, postmaster and SQL.
 */
public interface PostgresControl {
    /** Whether the data directory holds a cluster. */
    boolean initialized();

    /** Whether the data directory's control file says it last ran as a primary (and may have diverged). */
    boolean lastRanAsPrimary();

    /** initdb with data checksums. */
    void initdb();

    /** Writes the agent's settings and pg_hba.conf; a standby gets standby.signal and, when given, its upstream. */
    void configure(boolean standby, Optional<Upstream> upstream);

    /** Starts the postmaster as a child process (returns at once; probe to see it accept). */
    void start();

    /** Whether the postmaster this agent started is alive. */
    boolean running();

    /**
     * Runs {@code listener} (quick, non-blocking) each time a postmaster this agent started exits, for
     * whatever reason: the loop looks at once instead of at its next run (a crashed primary is restarted
     * in ~0.1 s instead of up to {@code loop_wait} later).
     */
    void onPostmasterExit(Runnable listener);

    /** Fast shutdown, immediate after the stop timeout; returns when the postmaster is gone. */
    void stop();

    /**
     * Fast shutdown (sessions are terminated at once), immediate shutdown after {@code fastTimeout}:
     * for self-fencing, where a fast shutdown can hang on walsenders whose standbys are unreachable.
     */
    void stop(java.time.Duration fastTimeout);

    /** Stops a postmaster left running by an earlier agent (from postmaster.pid), if any. */
    void stopLeftover();

    /** One probe: role, timeline, LSNs, WAL receiver, replication. */
    PgState probe();

    /** Promotes and confirms that recovery has ended. */
    void promote();

    /** pg_reload_conf(). */
    void reload();

    /** Creates the replication and monitoring roles (on the primary, once). */
    void createRoles();

    /** Creates the physical slots that are missing here (on the primary). */
    void ensureSlots(Collection<String> slotNames);

    /** The replication slots here (not temporary). */
    java.util.List<io.pgha.agent.decide.PermanentSlots.Seen> slots();

    /** The slots of {@code names} on {@code upstream}. */
    java.util.List<io.pgha.agent.decide.PermanentSlots.Seen> slotsOn(Upstream upstream, Collection<String> names);

    /** The state file ({@code pg_replslot/<name>/state}) of each logical slot of {@code names} on {@code upstream}. */
    java.util.Map<String, byte[]> slotStatesOn(Upstream upstream, Collection<String> names);

    /** Writes slot state files into the data directory (PostgreSQL stopped: it reads them when it starts). */
    void writeSlotStates(java.util.Map<String, byte[]> states);

    /** Creates the logical slot {@code name} here unless it exists (on the primary; wal_level = logical). */
    void createLogicalSlot(String name, String database, String plugin);

    /** pg_replication_slot_advance here; {@code database} null for a physical slot. */
    void advanceSlot(String name, String database, io.pgha.events.Lsn lsn);

    /** Drops those of {@code slotNames} that exist here and are not in use; returns the ones dropped. */
    java.util.Set<String> dropInactiveSlots(Collection<String> slotNames);

    /** Creates {@code slot} on {@code upstream} if it is missing there. */
    void ensureSlotOn(Upstream upstream, String slot);

    /** Empties the data directory. */
    void wipe();

    /** pg_basebackup from {@code upstream} through {@code slot} into the (empty) data directory. */
    void basebackup(Upstream upstream, String slot);

    /** pg_rewind from {@code upstream}; false (with the reason logged) when it failed. */
    boolean rewind(Upstream upstream);

    /**
     * Keeps {@code value} as the synchronous_standby_names written with the next configuration (a
     * standby ignores it; it is in force from the moment of promotion).
     */
    void prepareSynchronousStandbyNames(String value);

    /** Sets synchronous_standby_names on this primary (kept across restarts as primary) and reloads. */
    void applySynchronousStandbyNames(String value);

    /** CHECKPOINT on this instance. */
    void checkpoint();

    /** The latest checkpoint location in the control file (after a clean stop: the shutdown checkpoint). */
    io.pgha.events.Lsn latestCheckpoint();

    /** Asks the running postmaster for a fast shutdown and returns at once (no escalation, no wait). */
    void requestFastShutdown();

    /**
     * The shutdown checkpoint, once the control file says "shut down" (written at the end of that
     * checkpoint: no WAL can follow it), else empty. The postmaster may still be running: its WAL
     * senders send the last records, and with archiving on it waits for the archiver to archive the
     * segment the shutdown switched away from.
     */
    Optional<io.pgha.events.Lsn> shutdownCheckpoint();

    /** pg_last_wal_receive_lsn() on {@code standby}, when it has received anything. */
    Optional<io.pgha.events.Lsn> receivedOn(Upstream standby);

    /**
     * Polls of {@code standby}'s receive position over one kept connection (opened at the first poll,
     * again after a failed one, closed by {@link ReceivePoll#close()}): a planned handover polls every
     * 10 ms and a new login each time cost it ~0.6 s on a loaded machine. By default each poll is a
     * {@link #receivedOn}.
     */
    default ReceivePoll receivePoll(Upstream standby) {
        return new ReceivePoll() {
            @Override
            public Optional<io.pgha.events.Lsn> received() {
                return receivedOn(standby);
            }

            @Override
            public void close() {}
        };
    }

    /** The polls of one standby's receive position; see {@link #receivePoll}. */
    interface ReceivePoll extends AutoCloseable {
        /**
         * Logs in now, so that the first {@link #received()} does not have to (IllegalStateException when
         * it cannot; the next poll tries again). By default nothing: every poll is its own query.
         */
        default void open() {}

        /** pg_last_wal_receive_lsn() on the standby, when it has received anything; IllegalStateException when the query failed. */
        Optional<io.pgha.events.Lsn> received();

        /** Closes the kept connection (no exception). */
        @Override
        void close();
    }

    /** The history file of {@code timeline} on {@code upstream} (its primary), e.g. {@code 00000002.history}. */
    String timelineHistory(Upstream upstream, long timeline);

    /**
     * This standby's replay position, then the timeline its recovery replays ({@code IDENTIFY_SYSTEM} on a
     * replication connection to itself, as Patroni reads it: on a standby it answers the replay timeline,
     * where {@code pg_stat_wal_receiver.received_tli} answers the one being streamed).
     * IllegalStateException when it cannot be read.
     */
    io.pgha.agent.decide.TimelineFork.ReplayPoint replayPoint();

    /** The system identifier of the running instance. */
    String systemIdentifier();

    /** The replication slot name of a member (lower case, only a-z, 0-9 and _). */
    static String slotName(String member) {
        return io.pgha.agent.decide.SlotNames.of(member);
    }
}
