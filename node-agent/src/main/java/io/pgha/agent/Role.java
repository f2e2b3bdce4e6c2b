package io.pgha.agent;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * What this agent is doing with its PostgreSQL, as one state machine (it replaces the flags
 * actingPrimary, bootstrapped, stopping and a stepping-down counter). Whether the lease is live is
 * the {@link LeaseKeeper}'s (fenced); what PostgreSQL really runs as is the last probe's.
 */
public enum Role {
    /** No data directory joined yet: initdb (the initialize race) or a clone. */
    BOOTSTRAPPING,
    /** Not acting as primary: a standby, a read-only restart, or stopped. */
    STANDBY,
    /** Acting as the primary (also while its PostgreSQL is down after a crash). */
    PRIMARY,
    /** A planned handover is under way: /primary answers 503. */
    HANDING_OVER,
    /** A demotion (the key is gone, or self-fencing) is under way: /primary answers 503. */
    DEMOTING,
    /** The agent is shutting down. */
    STOPPING;

    /** The states each state may move to; anything else is a bug and throws. */
    public Set<Role> next() {
        return switch (this) {
            case BOOTSTRAPPING -> EnumSet.of(STANDBY, PRIMARY, STOPPING);
            case STANDBY -> EnumSet.of(PRIMARY, STOPPING);
            case PRIMARY -> EnumSet.of(STANDBY, HANDING_OVER, DEMOTING, STOPPING);
            case HANDING_OVER -> EnumSet.of(STANDBY, PRIMARY, STOPPING);
            case DEMOTING -> EnumSet.of(STANDBY, PRIMARY, STOPPING);
            case STOPPING -> EnumSet.noneOf(Role.class);
        };
    }

    /** Acting as the primary: the fencing watchdog guards it. */
    public boolean actingPrimary() {
        return this == PRIMARY || this == HANDING_OVER;
    }

    /** A handover or a demotion is under way: the REST view stops answering /primary. */
    public boolean steppingDown() {
        return this == HANDING_OVER || this == DEMOTING;
    }

    /** The agent's current role, changed only by compare-and-set transitions along {@link #next()}. */
    public static final class Machine {
        private static final Logger LOG = Logger.getLogger(Role.class);
        private final AtomicReference<Role> current;

        public Machine(Role initial) {
            current = new AtomicReference<>(initial);
        }

        public Role current() {
            return current.get();
        }

        /** Moves from {@code from} to {@code to}; throws when the role is not {@code from} or the move is illegal. */
        public void transition(Role from, Role to) {
            if (!tryTransition(from, to)) {
                throw new IllegalStateException(
                        "role transition " + from + " -> " + to + " refused: the role is " + current.get());
            }
        }

        /**
         * Moves from {@code from} to {@code to} if the role is {@code from} now; false (nothing changed) when
         * it is not (another thread moved it). Throws when the move is not in the table.
         */
        public boolean tryTransition(Role from, Role to) {
            if (!from.next().contains(to)) {
                throw new IllegalStateException("illegal role transition " + from + " -> " + to);
            }
            if (!current.compareAndSet(from, to)) {
                return false;
            }
            LOG.infof("role %s -> %s", from, to);
            return true;
        }

        /** Moves to STOPPING from whatever the role is (shutdown); false when already stopping. */
        public boolean stop() {
            for (Role now = current.get(); now != STOPPING; now = current.get()) {
                if (tryTransition(now, STOPPING)) {
                    return true;
                }
            }
            return false;
        }
    }
}
