package io.pgha.alert.engine;

import io.pgha.core.EtcdLayout;
import io.pgha.events.AlertEvent;
import io.pgha.events.NodeHealthEvent;
import io.pgha.events.NodeHealthEvent.PoolUsageObserved;
import io.pgha.events.PghaEvent;
import java.util.Optional;

/**
 * What makes a parsed event unfit to fold (it goes to its topic's .dlq with the reason): a cluster,
 * member or pooler name that could not be one (control characters, a path, 500 characters), or a
 * record key that is not the event's. (A pool's database and user names are checked by the event
 * itself: they do not parse otherwise.) Pure.
 */
public final class RecordCheck {
    private RecordCheck() {}

    /** Why {@code event}, read under {@code key}, must not be folded; empty when it may. */
    public static Optional<String> problem(String key, PghaEvent event) {
        try {
            EtcdLayout.requireName("cluster", event.cluster());
            String member =
                    event instanceof NodeHealthEvent h ? h.member() : event instanceof AlertEvent a ? a.member() : null;
            if (member != null) {
                EtcdLayout.requireName(event instanceof PoolUsageObserved ? "pooler" : "member", member);
            }
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
        if (!event.key().equals(key)) {
            return Optional.of("record key '" + key + "' is not the event's key '" + event.key()
                    + "' (" + event.getClass().getSimpleName() + " is keyed by its cluster"
                    + (event instanceof PoolUsageObserved
                            ? "/pooler"
                            : event instanceof NodeHealthEvent
                                    ? "/member"
                                    : event instanceof AlertEvent ? "/alert" : "")
                    + ")");
        }
        return Optional.empty();
    }
}
