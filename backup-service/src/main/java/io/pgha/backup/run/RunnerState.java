package io.pgha.backup.run;

import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/** Whether this instance is the cluster's active backup-service: one state, explicit transitions. */
final class RunnerState {
    private static final Logger LOG = Logger.getLogger(RunnerState.class);

    enum State {
        /** Another instance (or none) holds the election key; this one only serves reads. */
        PASSIVE,
        /** This instance holds the election key: it schedules, backs up, cleans and applies retention. */
        ACTIVE,
        /** The cluster's runner ended. */
        STOPPED
    }

    private final AtomicReference<State> state = new AtomicReference<>(State.PASSIVE);

    State get() {
        return state.get();
    }

    /** Moves from {@code from} to {@code to}; throws when the state is not {@code from}. */
    void transition(State from, State to) {
        if (!state.compareAndSet(from, to)) {
            throw new IllegalStateException(
                    "backup runner state is " + state.get() + ", not " + from + " (to " + to + ")");
        }
        LOG.infof("backup-service %s -> %s", from, to);
    }
}
