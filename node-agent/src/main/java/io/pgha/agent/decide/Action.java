package io.pgha.agent.decide;

/**
 * What the agent does to its PostgreSQL in one run of the loop (decided by {@link HaDecision}). Each
 * action hands itself to the matching method of a {@link Handler}: an action added here does not
 * compile until every handler has a method for it (the Java 17 form of an exhaustive switch over a
 * sealed type; pattern matching for switch needs Java 21).
 */
public sealed interface Action {
    /** Calls the method of {@code handler} for this action. */
    void applyTo(Handler handler);

    /** One method per action. */
    interface Handler {
        void startPrimary(StartPrimary a);

        void startStandby(StartStandby a);

        void promote(Promote a);

        void ensureSlots(EnsureSlots a);

        void syncSlots(SyncSlots a);

        void follow(Follow a);

        void rewindAndFollow(RewindAndFollow a);

        void demote(Demote a);

        void handOver(HandOver a);

        void releaseLeader(ReleaseLeader a);

        void acquireLeader(AcquireLeader a);

        void hold(Hold a);

        void detach(Detach a);
    }

    /** Start (again) as the primary: a crashed primary restarted in place. */
    record StartPrimary() implements Action {
        @Override
        public void applyTo(Handler handler) {
            handler.startPrimary(this);
        }
    }

    /** Start as a standby of {@code leader} (null: read-only, no upstream yet). */
    record StartStandby(String leader) implements Action {
        @Override
        public void applyTo(Handler handler) {
            handler.startStandby(this);
        }
    }

    /** Promote this standby: the leader key names this member. */
    record Promote() implements Action {
        @Override
        public void applyTo(Handler handler) {
            handler.promote(this);
        }
    }

    /** Create the replication slots the other members need (as primary). */
    record EnsureSlots() implements Action {
        @Override
        public void applyTo(Handler handler) {
            handler.ensureSlots(this);
        }
    }

    /**
     * As a standby that follows {@code leader} (running as primary): keep the permanent slots here in
     * step with the leader's ({@link PermanentSlots}).
     */
    record SyncSlots(String leader) implements Action {
        @Override
        public void applyTo(Handler handler) {
            handler.syncSlots(this);
        }
    }

    /** Point primary_conninfo at {@code leader} and reload (no restart). */
    record Follow(String leader) implements Action {
        @Override
        public void applyTo(Handler handler) {
            handler.follow(this);
        }
    }

    /** Stop, pg_rewind from {@code leader} (re-clone if that fails), start as its standby. */
    record RewindAndFollow(String leader) implements Action {
        @Override
        public void applyTo(Handler handler) {
            handler.rewindAndFollow(this);
        }
    }

    /** Stop accepting writes: restart read-only, without upstream. */
    record Demote(String reason) implements Action {
        @Override
        public void applyTo(Handler handler) {
            handler.demote(this);
        }
    }

    /**
     * Planned handover to {@code candidate}: checkpoint, stop fast, make sure the candidate received
     * the shutdown checkpoint, release the leader key, restart as the candidate's standby.
     */
    record HandOver(String candidate) implements Action {
        @Override
        public void applyTo(Handler handler) {
            handler.handOver(this);
        }
    }

    /** Give up the leader key so that the coordinator can fail over. */
    record ReleaseLeader(String reason) implements Action {
        @Override
        public void applyTo(Handler handler) {
            handler.releaseLeader(this);
        }
    }

    /** Paused (maintenance): take the vacant leader key for this running primary (create-only). */
    record AcquireLeader() implements Action {
        @Override
        public void applyTo(Handler handler) {
            handler.acquireLeader(this);
        }
    }

    /**
     * Fast failover: stop following {@code leader} (primary_conninfo emptied in pgha.conf, reload), wait
     * until the WAL receiver is gone, then report {@code "detached": {"epoch", "flush"}} in the member key.
     */
    record Detach(String leader, long epoch) implements Action {
        @Override
        public void applyTo(Handler handler) {
            handler.detach(this);
        }
    }

    /**
     * Leave PostgreSQL as it is, and say why (a warning): paused (maintenance), or a diverged member
     * waiting for the new leader's promotion before it rewinds.
     */
    record Hold(String reason) implements Action {
        @Override
        public void applyTo(Handler handler) {
            handler.hold(this);
        }
    }
}
