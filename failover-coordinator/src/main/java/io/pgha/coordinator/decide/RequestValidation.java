package io.pgha.coordinator.decide;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Validates switchover and manual failover requests with Patroni's semantics and messages: 400 for
 * a malformed request, 412 for one that is impossible in the cluster's current state, 422 for a
 * schedule in the past, 202 when scheduled.
 */
public final class RequestValidation {
    /** ISO 8601 date-time whose offset may be written {@code Z}, {@code +00}, {@code +0000} or {@code +00:00}. */
    private static final DateTimeFormatter WITH_OFFSET = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .optionalStart()
            .appendOffset("+HH:MM", "Z")
            .optionalEnd()
            .optionalStart()
            .appendOffset("+HHMM", "Z")
            .optionalEnd()
            .optionalStart()
            .appendOffset("+HH", "Z")
            .optionalEnd()
            .toFormatter();

    /**
     * Exclusions that pass by themselves within moments: a member whose PostgreSQL is (re)starting, or
     * whose WAL receiver is reconnecting or switching to the leader's new timeline (until then it also
     * reports the old timeline, which {@code check_timeline} refuses), or whom the health monitor last
     * saw shutting down or starting (its next probe, within seconds, sees it again; a member it really
     * cannot reach is still refused once the wait ends).
     */
    static final Set<ExclusionReason> SETTLING = EnumSet.of(
            ExclusionReason.NOT_RUNNING,
            ExclusionReason.NOT_STREAMING,
            ExclusionReason.TIMELINE,
            ExclusionReason.MONITOR_UNREACHABLE);

    private RequestValidation() {}

    /** {@code POST .../switchover {leader, candidate?, scheduled_at?}}. */
    public static Verdict switchover(
            String leader, String candidate, String scheduledAt, ClusterView view, Instant now) {
        if (blank(leader)) {
            return bad("Switchover could be performed only from a specific leader: set \"leader\"");
        }
        if (leader.equals(candidate)) {
            return bad("Switchover target and source are the same: " + leader);
        }
        Instant at = null;
        if (!blank(scheduledAt)) {
            Verdict.Rejected invalid = null;
            try {
                at = parseSchedule(scheduledAt);
            } catch (IllegalArgumentException e) {
                invalid = bad(e.getMessage());
            }
            if (invalid != null) {
                return invalid;
            }
            if (view.paused()) {
                return bad("Can't schedule switchover in the paused state");
            }
            if (!at.isAfter(now)) {
                return new Verdict.Rejected(422, "Cannot schedule switchover in the past (" + scheduledAt + ")");
            }
        }
        if (view.leader() == null) {
            return impossible("Switchover needs a healthy cluster with a leader, and " + view.cluster()
                    + " has none: use a failover to a named candidate");
        }
        if (!view.leader().equals(leader)) {
            return impossible("leader name does not match: the leader of " + view.cluster() + " is " + view.leader()
                    + ", not " + leader);
        }
        if (blank(candidate) && view.paused()) {
            return bad("Switchover is possible only to a specific candidate in a paused state");
        }
        Optional<Verdict.Rejected> candidateProblem = checkCandidate(candidate, view, view.policy());
        if (candidateProblem.isPresent()) {
            return candidateProblem.get();
        }
        if (at != null) {
            return new Verdict.Scheduled(at, leader, blankToNull(candidate));
        }
        return new Verdict.Immediate(leader, blankToNull(candidate));
    }

    /**
     * {@code POST .../failover {candidate, ignore_lag?}}: a manual failover to a named member, allowed
     * also without a leader or while paused. Only {@code ignoreLag} overrides the lag rule.
     */
    public static Verdict failover(String candidate, boolean ignoreLag, ClusterView view) {
        if (blank(candidate)) {
            return bad("Failover could be performed only to a specific candidate: set \"candidate\"");
        }
        if (candidate.equals(view.leader())) {
            return impossible("candidate " + candidate + " is already the leader");
        }
        FailoverPolicy policy = ignoreLag ? view.policy().ignoringLag() : view.policy();
        Optional<Verdict.Rejected> problem = checkCandidate(candidate, view, policy);
        if (problem.isPresent()) {
            return problem.get();
        }
        return new Verdict.Immediate(view.leader(), candidate);
    }

    /**
     * Parses {@code scheduled_at}: ISO 8601 with a time zone.
     *
     * @throws IllegalArgumentException saying what is wrong and what is expected
     */
    public static Instant parseSchedule(String text) {
        try {
            return OffsetDateTime.parse(text.trim(), WITH_OFFSET).toInstant();
        } catch (DateTimeParseException e) {
            if (isLocalDateTime(text)) {
                throw new IllegalArgumentException("Timezone information is mandatory for the scheduled switchover: "
                        + text + " has none (e.g. " + text.trim() + "+00:00)");
            }
            throw new IllegalArgumentException("Unable to parse scheduled timestamp '" + text
                    + "': use ISO 8601 with a time zone, e.g. 2026-01-31T12:00+00:00");
        }
    }

    private static Optional<Verdict.Rejected> checkCandidate(
            String candidate, ClusterView view, FailoverPolicy policy) {
        if (blank(candidate)) {
            Ranking ranking = CandidateRanking.rank(view.replicas(), policy);
            if (ranking.best().isEmpty()) {
                String reasons = ranking.excluded().stream()
                        .map(e -> e.member() + ": " + e.detail())
                        .collect(Collectors.joining("; "));
                boolean settling = !ranking.excluded().isEmpty()
                        && ranking.excluded().stream().anyMatch(e -> SETTLING.contains(e.reason()));
                return Optional.of(new Verdict.Rejected(
                        412,
                        "no member can become primary"
                                + (reasons.isEmpty() ? " (there are no replicas)" : ": " + reasons),
                        settling));
            }
            return Optional.empty();
        }
        if (!view.hasMember(candidate)) {
            return Optional.of(impossible("candidate " + candidate + " is not a member of " + view.cluster()
                    + " (members: " + String.join(", ", view.memberNames()) + ")"));
        }
        MemberSnapshot snapshot = view.members().stream()
                .filter(m -> m.name().equals(candidate))
                .findFirst()
                .orElseThrow();
        return CandidateRanking.check(snapshot, policy)
                .map(e -> new Verdict.Rejected(
                        412,
                        "candidate " + candidate + " cannot become primary: " + e.detail(),
                        SETTLING.contains(e.reason())));
    }

    private static boolean isLocalDateTime(String text) {
        try {
            LocalDateTime.parse(text.trim());
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static Verdict.Rejected bad(String message) {
        return new Verdict.Rejected(400, message);
    }

    private static Verdict.Rejected impossible(String message) {
        return new Verdict.Rejected(412, message);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static String blankToNull(String value) {
        return blank(value) ? null : value;
    }
}
