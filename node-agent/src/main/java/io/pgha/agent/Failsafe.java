package io.pgha.agent;

import io.pgha.agent.decide.FailsafeRules;
import io.pgha.core.store.ClusterSnapshot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.jboss.logging.Logger;

/**
 * Failsafe mode on this agent (DESIGN.md, "Failsafe mode"): as a primary that cannot renew its lease,
 * one round of {@code POST /failsafe} to every other member of the last {@code /failsafe} read (the
 * decision is {@link FailsafeRules#judge}); as a replica, the answer to such a call and the time it was
 * given, which bars this member from promoting for ttl ({@link FailsafeRules#refusal}).
 */
final class Failsafe {
    private static final Logger LOG = Logger.getLogger(Failsafe.class);
    /** How long each member gets to answer a round: short, so a round leaves the deadline room. */
    static final Duration ROUND_TIMEOUT = Duration.ofMillis(1500);

    private final AgentContext ctx;
    private final Supplier<Optional<String>> token;
    /** Trusts {@code pgha.agent-api.ca-file} for members whose api_url is https (as every agent caller does). */
    private final HttpClient http;

    private volatile long answeredNanos;
    private volatile String ackedLeader;

    Failsafe(AgentContext ctx, Supplier<Optional<String>> token, SSLContext agentApiTrust) {
        this.ctx = ctx;
        this.token = token;
        this.http = HttpClient.newBuilder()
                .connectTimeout(ROUND_TIMEOUT)
                .sslContext(agentApiTrust)
                .build();
    }

    /**
     * One primary round: read the start instant, POST to every other member of the last {@code
     * /failsafe} at once, judge. The instant to count as a renewal sent when every one confirmed.
     */
    Optional<Long> round(long timeline, String lsn) {
        ClusterSnapshot snapshot = ctx.lastSnapshot;
        Optional<io.pgha.core.Failsafe> members = snapshot == null ? Optional.empty() : snapshot.failsafeMembers();
        long started = ctx.clock.nanoTime();
        String body = new FailsafeRules.Call(ctx.me, timeline, lsn).toJson();
        Map<String, String> keys = new LinkedHashMap<>();
        if (snapshot != null) {
            snapshot.members()
                    .forEach((name, entry) -> keys.put(
                            name,
                            entry.status() == null || entry.status().apiUrl() == null
                                    ? ""
                                    : entry.status().apiUrl()));
        }
        Map<String, CompletableFuture<FailsafeRules.Answer>> pending = new LinkedHashMap<>();
        FailsafeRules.toAsk(members, keys, ctx.me).forEach((name, url) -> pending.put(name, post(url, body)));
        Map<String, FailsafeRules.Answer> answers = new LinkedHashMap<>();
        pending.forEach((name, answer) -> answers.put(name, answer.join()));
        FailsafeRules.Verdict verdict = FailsafeRules.judge(
                ctx.dynamic.failsafeMode(), ctx.me, new FailsafeRules.Round(started, members, keys, answers));
        if (verdict.confirmed()) {
            LOG.infof(
                    "failsafe: etcd unreachable, the primary keeps running: %s %s", verdict.reason(), answers.keySet());
        } else {
            LOG.warnf("failsafe round failed: %s", verdict.reason());
        }
        return verdict.renewalSentNanos();
    }

    private CompletableFuture<FailsafeRules.Answer> post(String apiUrl, String body) {
        URI uri;
        try {
            uri = URI.create(failsafeUrl(apiUrl));
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new FailsafeRules.Answer(0, "api_url " + apiUrl + " is invalid"));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(ROUND_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        token.get().ifPresent(t -> request.header("Authorization", "Bearer " + t));
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(
                        r -> new FailsafeRules.Answer(r.statusCode(), r.body().strip()))
                .exceptionally(e -> new FailsafeRules.Answer(
                        0,
                        "no answer: "
                                + (e.getCause() == null ? e : e.getCause())
                                        .getClass()
                                        .getSimpleName()))
                .completeOnTimeout(
                        new FailsafeRules.Answer(0, "no answer within " + ROUND_TIMEOUT.toMillis() + " ms"),
                        ROUND_TIMEOUT.toMillis() + 100,
                        java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** {@code http://h:p/patroni} → {@code http://h:p/failsafe}. */
    static String failsafeUrl(String apiUrl) {
        String base = apiUrl == null ? "" : apiUrl;
        if (base.endsWith("/patroni")) {
            base = base.substring(0, base.length() - "/patroni".length());
        }
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base + "/failsafe";
    }

    /**
     * A replica's answer to {@code POST /failsafe} with {@code body}. A 200 is recorded (monotonic time,
     * leader) before it is returned, so the refusal window starts no later than the caller learns of it.
     */
    synchronized FailsafeRules.Reply answer(String body) {
        FailsafeRules.Call call;
        try {
            call = FailsafeRules.parse(body);
        } catch (IllegalArgumentException e) {
            return new FailsafeRules.Reply(400, e.getMessage());
        }
        ClusterSnapshot snapshot = ctx.lastSnapshot;
        Optional<String> leader =
                snapshot == null ? Optional.empty() : snapshot.leader().map(l -> l.member());
        boolean promoting = leader.filter(ctx.me::equals).isPresent();
        FailsafeRules.Reply reply = FailsafeRules.answer(
                new FailsafeRules.Replica(
                        ctx.me,
                        ctx.dynamic.failsafeMode(),
                        leader,
                        snapshot == null ? Optional.empty() : snapshot.failsafeMembers(),
                        ctx.role.current().actingPrimary() || promoting),
                call.name());
        if (reply.status() == 200) {
            answeredNanos = ctx.clock.nanoTime();
            ackedLeader = call.name();
            LOG.debugf("failsafe: confirmed %s (timeline %d, lsn %s)", call.name(), call.timeline(), call.lsn());
        }
        return reply;
    }

    /** Why this member must not promote now; empty when it may (see {@link FailsafeRules#refusal}). */
    Optional<String> refusal() {
        return FailsafeRules.refusal(
                ctx.clock.nanoTime(), answeredNanos, Optional.ofNullable(ackedLeader), ctx.dynamic.ttlDuration());
    }

    /** A replica that confirmed a leader within ttl. */
    boolean confirmedRecently() {
        return refusal().isPresent();
    }
}
