package io.pgha.agent.pg;

/**
 * What a promotion does next while it waits for recovery to end (pure; node-agent's DESIGN.md, "Sync
 * set, planned handover, callbacks"). {@code pg_promote(false)} writes the {@code promote} signal file
 * and signals the postmaster, which signals the startup process: that sets the startup process's
 * recovery latch, and the startup process removes the file when it takes the request. If it takes it
 * while it waits for its WAL receiver (PostgreSQL's {@code WaitForWALToBecomeAvailable}), it then
 * treats the stream as failed and sleeps out what is left of {@code wal_retrieve_retry_interval} since
 * its last failure (up to 250 ms with pgha's setting) before it reads pg_wal once more and ends
 * recovery: the wake-up of the request was spent on the earlier wait. A configuration reload (SIGHUP)
 * sets the same latch, so one reload once the file is gone cuts that sleep short; sent before, it could
 * be spent on the same earlier wait. A reload re-reads files the agent has already written: it changes
 * nothing else.
 */
enum PromotionWait {
    /** Out of recovery: the promotion is over. */
    DONE,
    /** The startup process took the request and recovery goes on: reload once, to wake it. */
    WAKE,
    /** Wait and look again. */
    WAIT;

    /**
     * @param inRecovery {@code pg_is_in_recovery()}
     * @param requestPending the {@code promote} signal file is still in the data directory
     * @param woken this promotion already reloaded
     */
    static PromotionWait next(boolean inRecovery, boolean requestPending, boolean woken) {
        if (!inRecovery) {
            return DONE;
        }
        return requestPending || woken ? WAIT : WAKE;
    }
}
