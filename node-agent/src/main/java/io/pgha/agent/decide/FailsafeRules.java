package io.pgha.agent.decide;

import io.pgha.core.Failsafe;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Failsafe mode's decisions (Patroni's {@code failsafe_mode}), pure: whether a primary's round of
 * {@code POST /failsafe} counts as a lease renewal, whether a replica confirms a caller as leader, and
 * whether a replica that confirmed one must refuse to promote. See DESIGN.md, "Failsafe mode".
 */
public final class FailsafeRules {
    private FailsafeRules() {}

    /** What one member answered in a round: its HTTP status (0 when it did not answer) and why. */
    public record Answer(int status, String detail) {
        public boolean confirmed() {
            return status == 200;
        }
    }

    /**
     * One round of a primary that could not renew its lease (etcd unreachable, not a lost lease).
     *
     * @param startedNanos the monotonic instant read before the first request was sent
     * @param failsafe the last {@code /failsafe} the agent read; empty when it never read one
     * @param members the member keys of the last snapshot read: api_url by name
     * @param answers what each other member of it answered, by name
     */
    public record Round(
            long startedNanos, Optional<Failsafe> failsafe, Map<String, String> members, Map<String, Answer> answers) {}

    /** The verdict of a round: the instant to count as a renewal sent, or why nothing moves. */
    public record Verdict(Optional<Long> renewalSentNanos, String reason) {
        public boolean confirmed() {
            return renewalSentNanos.isPresent();
        }
    }

    /**
     * Whom a primary named {@code me} must hear from, with the api_url to ask: every member of {@code
     * failsafe} and every member key of its last snapshot ({@code members}: name to api_url), but itself.
     * The member keys count too because the coordinator writes {@code /failsafe}: a member it added just
     * before this primary lost etcd may be missing from the copy the primary read, yet be promotable.
     */
    public static Map<String, String> toAsk(Optional<Failsafe> failsafe, Map<String, String> members, String me) {
        Map<String, String> ask = new java.util.TreeMap<>();
        failsafe.ifPresent(f -> ask.putAll(f.members()));
        members.forEach((name, url) -> {
            if (!ask.containsKey(name) || ask.get(name).isBlank()) {
                ask.put(name, url == null ? "" : url);
            }
        });
        ask.remove(me);
        return ask;
    }

    /**
     * A round counts as a renewal sent at its start only when failsafe mode is on, {@code me} is listed
     * in the last {@code /failsafe} read, and every other member listed there or holding a member key in
     * the last snapshot answered 200 ({@link #toAsk}).
     */
    public static Verdict judge(boolean failsafeMode, String me, Round round) {
        if (!failsafeMode) {
            return new Verdict(Optional.empty(), "failsafe_mode is off");
        }
        if (round.failsafe().isEmpty()) {
            return new Verdict(Optional.empty(), "no /failsafe key was read from etcd");
        }
        if (!round.failsafe().get().contains(me)) {
            return new Verdict(Optional.empty(), "this member is not in /failsafe");
        }
        StringBuilder missing = new StringBuilder();
        for (String name : toAsk(round.failsafe(), round.members(), me).keySet()) {
            Answer a = round.answers().get(name);
            if (a == null || !a.confirmed()) {
                missing.append(missing.length() == 0 ? "" : ", ")
                        .append(name)
                        .append(" (")
                        .append(
                                a == null
                                        ? "not asked"
                                        : a.status() == 0 ? a.detail() : "HTTP " + a.status() + ": " + a.detail())
                        .append(')');
            }
        }
        if (missing.length() > 0) {
            return new Verdict(Optional.empty(), "not confirmed by " + missing);
        }
        return new Verdict(Optional.of(round.startedNanos()), "confirmed by every other member of /failsafe");
    }

    /**
     * What a replica's agent knows when it is asked {@code POST /failsafe}.
     *
     * @param failsafeMode the dynamic config's {@code failsafe_mode} as last read
     * @param leader the member the leader key named in the last etcd snapshot, when one did
     * @param failsafe the last {@code /failsafe} read
     * @param primaryOrPromoting this agent acts as primary, or the leader key names it
     */
    public record Replica(
            String me,
            boolean failsafeMode,
            Optional<String> leader,
            Optional<Failsafe> failsafe,
            boolean primaryOrPromoting) {}

    /** A {@code POST /failsafe} answer: the status and its text. */
    public record Reply(int status, String text) {}

    /**
     * Whether a replica confirms {@code caller} as leader: 200 only when failsafe mode is on, it is not
     * itself primary or promoting, and the caller is the leader of its last snapshot (or, with no leader
     * in view, listed in {@code /failsafe}); 409 otherwise, saying why. {@code caller} must be validated.
     */
    public static Reply answer(Replica r, String caller) {
        if (!r.failsafeMode()) {
            return new Reply(409, "failsafe_mode is off in this member's last dynamic config");
        }
        if (caller.equals(r.me())) {
            return new Reply(409, "the caller " + caller + " is this member");
        }
        if (r.primaryOrPromoting()) {
            return new Reply(409, r.me() + " is primary or being promoted itself");
        }
        if (r.leader().isPresent()) {
            return r.leader().get().equals(caller)
                    ? new Reply(200, "confirmed: " + caller + " is the leader")
                    : new Reply(409, "the leader is " + r.leader().get() + ", not " + caller);
        }
        if (r.failsafe().isPresent() && r.failsafe().get().contains(caller)) {
            return new Reply(200, "confirmed: no leader in view and " + caller + " is in /failsafe");
        }
        return new Reply(409, "no leader in view and " + caller + " is not in /failsafe");
    }

    /**
     * Why a replica that confirmed {@code ackedLeader} at {@code answeredNanos} must not promote now (it
     * may only while {@code ttl} has passed since); empty when it may.
     */
    public static Optional<String> refusal(
            long nowNanos, long answeredNanos, Optional<String> ackedLeader, Duration ttl) {
        if (ackedLeader.isEmpty()) {
            return Optional.empty();
        }
        long left = answeredNanos + ttl.toNanos() - nowNanos;
        if (left <= 0) {
            return Optional.empty();
        }
        return Optional.of("failsafe: " + ackedLeader.get() + " was confirmed as the running primary "
                + Duration.ofNanos(nowNanos - answeredNanos).toMillis() + " ms ago (within ttl "
                + ttl.toSeconds() + " s): it may still accept writes, so this member does not promote");
    }

    /** A primary's {@code POST /failsafe} body: {@code {"name": <leader>, "timeline": n, "lsn": "X/Y"}}. */
    public record Call(String name, long timeline, String lsn) {
        public String toJson() {
            return io.pgha.core.Json.write(Map.of("name", name, "timeline", timeline, "lsn", lsn == null ? "" : lsn));
        }
    }

    /** Reads a {@code POST /failsafe} body; throws {@link IllegalArgumentException} naming what is wrong. */
    public static Call parse(String body) {
        com.fasterxml.jackson.databind.JsonNode node;
        try {
            node = io.pgha.core.Json.MAPPER.readTree(body == null ? "" : body);
        } catch (Exception e) {
            throw new IllegalArgumentException("POST /failsafe: the body is not JSON: expected"
                    + " {\"name\": \"<leader>\", \"timeline\": <n>, \"lsn\": \"X/Y\"}");
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("POST /failsafe: the body must be a JSON object"
                    + " {\"name\": \"<leader>\", \"timeline\": <n>, \"lsn\": \"X/Y\"}");
        }
        com.fasterxml.jackson.databind.JsonNode name = node.get("name");
        if (name == null || !name.isTextual()) {
            throw new IllegalArgumentException("POST /failsafe: name (the calling leader's member name) is required");
        }
        try {
            io.pgha.core.EtcdLayout.requireName("POST /failsafe: name: member", name.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replaceAll("\\p{Cntrl}", "?"));
        }
        com.fasterxml.jackson.databind.JsonNode timeline = node.get("timeline");
        if (timeline != null
                && !timeline.isNull()
                && (!timeline.canConvertToLong() || !timeline.isIntegralNumber() || timeline.asLong() < 0)) {
            throw new IllegalArgumentException("POST /failsafe: timeline must be a whole number of 0 or more");
        }
        com.fasterxml.jackson.databind.JsonNode lsn = node.get("lsn");
        if (lsn != null && !lsn.isNull() && !lsn.isTextual()) {
            throw new IllegalArgumentException("POST /failsafe: lsn must be text like \"0/3000060\"");
        }
        return new Call(
                name.asText(),
                timeline == null || timeline.isNull() ? 0 : timeline.asLong(),
                lsn == null || lsn.isNull() ? null : lsn.asText());
    }
}
