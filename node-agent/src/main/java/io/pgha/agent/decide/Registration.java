package io.pgha.agent.decide;

import io.pgha.core.MemberStatus;
import io.pgha.core.store.MemberEntry;
import java.util.Optional;

/**
 * What an agent does when its member key could not be created because the key exists: it is either
 * left from this agent's previous run (same REST address: no other live process can hold the port this
 * agent has just bound), or another agent's (a name given twice), or it has expired since the create
 * failed (a killed agent restarted within the ttl races its old lease).
 */
public enum Registration {
    /** The key is gone now: create it again. */
    RETRY,
    /** The key is this agent's previous run's: overwrite it under the new lease. */
    TAKE_OVER,
    /** Another agent (or a key this agent cannot read) holds the name: refuse to start. */
    CONFLICT;

    /** The decision for the key {@code existing} read after the create failed, given this agent's {@code apiUrl}. */
    public static Registration decide(Optional<MemberEntry> existing, String apiUrl) {
        if (existing.isEmpty()) {
            return RETRY;
        }
        return Optional.ofNullable(existing.get().status())
                .map(MemberStatus::apiUrl)
                .filter(apiUrl::equals)
                .map(same -> TAKE_OVER)
                .orElse(CONFLICT);
    }
}
