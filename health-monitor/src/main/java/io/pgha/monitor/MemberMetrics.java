package io.pgha.monitor;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.pgha.events.Lsn;
import io.pgha.events.NodeHealthEvent.NodeHealthObserved;
import io.pgha.events.NodeHealthEvent.NodeRole;
import io.pgha.monitor.decide.ProbeResult;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer view of the probes: per member gauges {@code pgha_member_reachable} (1/0),
 * {@code pgha_member_role} (1 primary, 0 replica, -1 unknown), {@code pgha_member_lag_bytes},
 * {@code pgha_member_lag_seconds}, {@code pgha_member_timeline}, {@code pgha_member_connections},
 * {@code pgha_member_max_connections} and {@code pgha_member_wal_position_bytes} (the primary's current
 * WAL position, a replica's replay position, as a byte offset: its rate is the write rate), NaN when
 * unknown, tagged {@code cluster} and {@code member}; and the histogram {@code pgha_probe_latency_seconds},
 * tagged {@code outcome} ({@code ok} or the error class).
 *
 * <p>A member that leaves the topology (its member key expired: a dead node, or one removed on purpose)
 * keeps its gauges, with {@code pgha_member_reachable} 0, {@code pgha_member_role} -1 and the others NaN,
 * until it is back or {@code departed-member-retention} has passed: otherwise {@code PghaMemberDown}
 * races the member key's ttl and a dead member's alert can vanish before it fires.
 */
@ApplicationScoped
public class MemberMetrics {
    private final ConcurrentMap<String, Member> members = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Timer> latency = new ConcurrentHashMap<>();

    @Inject
    MeterRegistry registry;

    /** Records the latency of one probe. */
    public void probed(ProbeResult result) {
        String outcome = result.reachable() ? "ok" : result.errorClass().name().toLowerCase(Locale.ROOT);
        latency.computeIfAbsent(outcome, o -> Timer.builder("pgha.probe.latency")
                        .description("how long one SQL probe of a member took")
                        .tag("outcome", o)
                        .publishPercentiles(0.5, 0.99)
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1))
                        .maximumExpectedValue(Duration.ofSeconds(2))
                        .register(registry))
                .record(result.latencyMs(), TimeUnit.MILLISECONDS);
    }

    /** The latest observation of a member; a departed member that is observed again is back. */
    public void observed(NodeHealthObserved event) {
        Member member = members.computeIfAbsent(event.key(), key -> new Member(event.cluster(), event.member()));
        member.latest = event;
        member.departedAt = null;
    }

    /**
     * The member left the topology: it is exported as unreachable from now on, until it is observed
     * again or {@link #forgetDeparted} drops it.
     */
    public void departed(String cluster, String member, Instant at) {
        Member gone = members.get(key(cluster, member));
        if (gone != null && gone.departedAt == null) {
            gone.departedAt = at;
        }
    }

    /** Drops the gauges of the cluster's members that departed before {@code cutoff}. */
    public void forgetDeparted(String cluster, Instant cutoff) {
        members.forEach((key, member) -> {
            Instant at = member.departedAt;
            if (member.cluster.equals(cluster) && at != null && at.isBefore(cutoff)) {
                remove(member.cluster, member.name);
            }
        });
    }

    /** The member is no longer probed by this instance (another one took its cluster): its gauges go. */
    public void remove(String cluster, String member) {
        Member gone = members.remove(key(cluster, member));
        if (gone != null) {
            gone.meters.forEach(registry::remove);
        }
    }

    private static String key(String cluster, String member) {
        return cluster + "/" + member;
    }

    private final class Member {
        private final String cluster;
        private final String name;
        private final List<Meter> meters = new ArrayList<>();
        private volatile NodeHealthObserved latest;
        private volatile Instant departedAt;

        Member(String cluster, String name) {
            this.cluster = cluster;
            this.name = name;
            Tags tags = Tags.of("cluster", cluster, "member", name);
            gauge("pgha.member.reachable", tags, e -> e.reachable() ? 1 : 0, 0);
            gauge(
                    "pgha.member.role",
                    tags,
                    e -> e.role() == NodeRole.PRIMARY ? 1 : e.role() == NodeRole.REPLICA ? 0 : -1,
                    -1);
            gauge("pgha.member.lag.bytes", tags, e -> orNaN(e.lag()), Double.NaN);
            gauge("pgha.member.lag.seconds", tags, e -> orNaN(e.lagSeconds()), Double.NaN);
            gauge("pgha.member.timeline", tags, e -> orNaN(e.timeline()), Double.NaN);
            gauge("pgha.member.connections", tags, e -> orNaN(e.connections()), Double.NaN);
            gauge("pgha.member.max.connections", tags, e -> orNaN(e.maxConnections()), Double.NaN);
            gauge("pgha.member.wal.position.bytes", tags, e -> walPosition(e), Double.NaN);
        }

        private void gauge(String name, Tags tags, ToDoubleFunction<NodeHealthObserved> value, double departed) {
            meters.add(Gauge.builder(name, this, m -> m.value(value, departed))
                    .tags(tags)
                    .register(registry));
        }

        private double value(ToDoubleFunction<NodeHealthObserved> value, double departed) {
            if (departedAt != null) {
                return departed;
            }
            NodeHealthObserved observed = latest;
            return observed == null ? Double.NaN : value.applyAsDouble(observed);
        }

        private static double walPosition(NodeHealthObserved e) {
            Lsn position = e.lsn() != null ? e.lsn() : e.replayLsn();
            return position == null ? Double.NaN : position.value();
        }

        private static double orNaN(Number value) {
            return value == null ? Double.NaN : value.doubleValue();
        }
    }
}
