package io.pgha.coordinator.api;

import io.pgha.coordinator.decide.PoolPauseGate;
import io.pgha.coordinator.decide.RoutingCheck;
import io.pgha.coordinator.run.Coordinator;
import io.pgha.core.MemberStatus;
import io.pgha.core.Switchover;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.MemberEntry;
import io.pgha.core.store.RouterReport;
import io.pgha.events.ElectionEvent;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The answer of a switchover or manual failover once it was asked for: wait until the target holds the
 * leader key and runs as primary, then until every config-renderer routes to it (the 200 means clients
 * reach the new primary).
 */
final class LeaderChange {
    private static final Logger LOG = Logger.getLogger(LeaderChange.class);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration ROUTING_POLL = Duration.ofMillis(20);

    private final Coordinator coordinator;

    LeaderChange(Coordinator coordinator) {
        this.coordinator = coordinator;
    }

    /**
     * Before a planned switchover is handed to the leader: when config-renderers drive PgBouncer poolers,
     * announce it ({@code SwitchoverStarted} at the leader's epoch) and wait, at most
     * {@code pgha.coordinator.pool-pause-timeout}, until every one reports its read-write pools paused for
     * that epoch. Past the bound the switchover proceeds anyway, and the log says which did not pause.
     */
    void pausePoolers(String cluster, long epoch, String leader, String target) {
        Duration bound = coordinator.config().coordinator().poolPauseTimeout();
        if (bound.isZero() || !PoolPauseGate.anyPooler(reports(cluster))) {
            return;
        }
        long started = System.nanoTime();
        coordinator.publish(new ElectionEvent.SwitchoverStarted(cluster, epoch, leader, target, null, Instant.now()));
        List<String> pending = PoolPauseGate.notPaused(reports(cluster), epoch);
        while (!pending.isEmpty() && System.nanoTime() - started < bound.toNanos()) {
            try {
                TimeUnit.MILLISECONDS.sleep(ROUTING_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            pending = PoolPauseGate.notPaused(reports(cluster), epoch);
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        if (pending.isEmpty()) {
            LOG.infof("switchover of %s at epoch %d: every pooler paused in %d ms", cluster, epoch, millis);
        } else {
            LOG.warnf(
                    "switchover of %s at epoch %d: proceeding without these poolers paused after %d ms"
                            + " (pgha.coordinator.pool-pause-timeout); their clients may see errors: %s",
                    cluster, epoch, millis, String.join(", ", pending));
        }
    }

    private Map<String, Optional<RouterReport>> reports(String cluster) {
        try {
            return coordinator.store().routers(cluster);
        } catch (RuntimeException e) {
            return Map.of();
        }
    }

    /**
     * Waits until {@code target} holds the leader key and runs as primary, and the coordinator has cleared
     * the switchover key (as Patroni answers only once its failover key is gone: a 200 means the next
     * switchover can be asked for at once; before, one asked for right after the 200 could meet 409 "a
     * switchover is already in progress").
     */
    Response awaitLeader(String cluster, String from, String target, String verb) {
        long deadline = System.nanoTime()
                + coordinator.config().coordinator().switchoverTimeout().toNanos();
        boolean led = false;
        while (System.nanoTime() - deadline < 0) {
            ClusterSnapshot now = coordinator.store().read(cluster);
            Optional<MemberStatus> leader =
                    now.leaderMember().map(MemberEntry::status).filter(Objects::nonNull);
            led = now.leader().map(l -> l.member()).filter(target::equals).isPresent()
                    && leader.isPresent()
                    && leader.get().isRunningPrimary();
            if (led && !pending(now, from, target)) {
                return routed(cluster, target, now.leader().get().modRevision(), verb);
            }
            if (now.switchover().isEmpty()
                    && now.leader().map(l -> l.member()).filter(from::equals).isPresent()) {
                return Bodies.error(
                        503,
                        "the switchover from " + from + " to " + target + " was abandoned and " + from
                                + " still leads; see the coordinator's log and pgha.election");
            }
            try {
                TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        long seconds = coordinator.config().coordinator().switchoverTimeout().toSeconds();
        return Bodies.error(
                503,
                led
                        ? target + " leads, but the switchover key was not cleared within " + seconds
                                + " s: is a coordinator leading " + cluster + "? See GET .../status"
                        : target + " did not become the leader within " + seconds + " s");
    }

    /** Whether the switchover key still names this change (the leading coordinator deletes it once done). */
    private static boolean pending(ClusterSnapshot now, String from, String target) {
        return now.switchover()
                .map(json -> {
                    try {
                        Switchover s = Switchover.fromJson(json);
                        return target.equals(s.member()) && from.equals(s.leader());
                    } catch (RuntimeException unreadable) {
                        return false; // not ours to wait for; the status API reports it
                    }
                })
                .orElse(false);
    }

    /**
     * The answer once {@code leader} runs as primary at {@code epoch}: 200 when every config-renderer
     * reports that its HAProxy routes writes to it (clients reach the new primary from now on), 202
     * naming the renderers that did not confirm within {@code pgha.coordinator.routing-timeout}.
     */
    Response routed(String cluster, String leader, long epoch, String verb) {
        long deadline = System.nanoTime()
                + coordinator.config().coordinator().routingTimeout().toNanos();
        List<String> unconfirmed = unconfirmed(cluster, leader, epoch);
        while (!unconfirmed.isEmpty() && System.nanoTime() - deadline < 0) {
            try {
                TimeUnit.MILLISECONDS.sleep(ROUTING_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            unconfirmed = unconfirmed(cluster, leader, epoch);
        }
        if (unconfirmed.isEmpty()) {
            return Bodies.message(200, "Successfully " + verb + " to \"" + leader + "\"");
        }
        return Bodies.message(
                202,
                leader + " is the primary (epoch " + epoch + "), but these config-renderers did not report routing"
                        + " to it within "
                        + coordinator.config().coordinator().routingTimeout().toMillis()
                        + " ms: " + String.join(", ", unconfirmed)
                        + "; clients through their HAProxy may not reach it yet (see each renderer's"
                        + " GET /api/v1/haproxy)");
    }

    /** The renderers not yet routing to {@code leader}; an etcd error is one more reason to wait, never a 500. */
    private List<String> unconfirmed(String cluster, String leader, long epoch) {
        try {
            return RoutingCheck.unconfirmed(coordinator.store().routers(cluster), leader, epoch);
        } catch (RuntimeException e) {
            return List.of("the routers' reports could not be read from etcd (" + e.getMessage() + ")");
        }
    }
}
