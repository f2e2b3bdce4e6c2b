package io.pgha.monitor.decide;

import io.pgha.events.NodeHealthEvent.NodeHealthObserved;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether to publish an observation: at once when the member's role, reachability (or the class of
 * its failure) or timeline changed since the last published one, otherwise as a heartbeat once
 * {@code heartbeat} has passed since it. Pure.
 */
public final class PublishPolicy {
    /** Why an observation is published. */
    public enum Reason {
        /** Nothing was published for this member yet. */
        FIRST,
        /** Primary became replica or the other way round. */
        ROLE,
        /** It became reachable or unreachable. */
        REACHABILITY,
        /** Still unreachable, for another reason (say, refused then authentication). */
        ERROR_CLASS,
        /** It moved to another timeline. */
        TIMELINE,
        /** Nothing changed, the heartbeat interval passed. */
        HEARTBEAT
    }

    private PublishPolicy() {}

    /**
     * @param last the last observation published for the member, null when none
     * @param lastPublishedAt when it was published
     * @param next the new observation
     * @param now the time now
     * @param heartbeat the heartbeat interval
     * @return why to publish {@code next}, or empty to publish nothing
     */
    public static Optional<Reason> decide(
            NodeHealthObserved last,
            Instant lastPublishedAt,
            NodeHealthObserved next,
            Instant now,
            Duration heartbeat) {
        if (last == null) {
            return Optional.of(Reason.FIRST);
        }
        if (last.reachable() != next.reachable()) {
            return Optional.of(Reason.REACHABILITY);
        }
        if (last.role() != next.role()) {
            return Optional.of(Reason.ROLE);
        }
        if (!next.reachable() && last.errorClass() != next.errorClass()) {
            return Optional.of(Reason.ERROR_CLASS);
        }
        if (!Objects.equals(last.timeline(), next.timeline())) {
            return Optional.of(Reason.TIMELINE);
        }
        if (!now.isBefore(lastPublishedAt.plus(heartbeat))) {
            return Optional.of(Reason.HEARTBEAT);
        }
        return Optional.empty();
    }
}
