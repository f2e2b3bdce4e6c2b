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

    /** The latest observation of a member. */
    public void observed(NodeHealthObserved event) {
        members.computeIfAbsent(event.key(), key -> new Member(event.cluster(), event.member())).latest = event;
    }

    /** The member is no longer probed here: its gauges go. */
    public void remove(String cluster, String member) {
        Member gone = members.remove(cluster + "/" + member);
        if (gone != null) {
            gone.meters.forEach(registry::remove);
        }
    }

    private final class Member {
        private final List<Meter> meters = new ArrayList<>();
        private volatile NodeHealthObserved latest;

        Member(String cluster, String member) {
            Tags tags = Tags.of("cluster", cluster, "member", member);
            gauge("pgha.member.reachable", tags, e -> e.reachable() ? 1 : 0);
            gauge(
                    "pgha.member.role",
                    tags,
                    e -> e.role() == NodeRole.PRIMARY ? 1 : e.role() == NodeRole.REPLICA ? 0 : -1);
            gauge("pgha.member.lag.bytes", tags, e -> orNaN(e.lag()));
            gauge("pgha.member.lag.seconds", tags, e -> orNaN(e.lagSeconds()));
            gauge("pgha.member.timeline", tags, e -> orNaN(e.timeline()));
            gauge("pgha.member.connections", tags, e -> orNaN(e.connections()));
            gauge("pgha.member.max.connections", tags, e -> orNaN(e.maxConnections()));
            gauge("pgha.member.wal.position.bytes", tags, e -> walPosition(e));
        }

        private void gauge(String name, Tags tags, ToDoubleFunction<NodeHealthObserved> value) {
            meters.add(Gauge.builder(name, this, m -> m.latest == null ? Double.NaN : value.applyAsDouble(m.latest))
                    .tags(tags)
                    .register(registry));
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
