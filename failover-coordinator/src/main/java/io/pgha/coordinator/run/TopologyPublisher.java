package io.pgha.coordinator.run;

import io.pgha.coordinator.decide.TopologyView;
import io.pgha.core.DynamicConfig;
import io.pgha.core.SyncSet;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.events.TopologyEvent.TopologyChanged;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Publishes the cluster's topology until the broker acknowledges it: a change is sent again on every
 * run until one send is acknowledged, and the current topology is sent again every {@code
 * topology-republish} (the topic is compacted) so a consumer that missed one converges.
 */
final class TopologyPublisher {
    private static final Logger LOG = Logger.getLogger(TopologyPublisher.class);

    private final ClusterContext ctx;
    private volatile String acknowledged;
    private volatile long acknowledgedNanos;
    private volatile String inFlight;
    private volatile long inFlightNanos;

    TopologyPublisher(ClusterContext ctx) {
        this.ctx = ctx;
    }

    /** Forgets what was acknowledged (this replica just took over: it publishes at once). */
    void reset() {
        acknowledged = null;
    }

    void publish(ClusterSnapshot snapshot, DynamicConfig config, Optional<SyncSet> sync, long epoch) {
        TopologyView.Standbys standbys = TopologyView.standbys(
                config.synchronousMode(),
                sync,
                snapshot.leader().map(l -> l.member()).orElse(null));
        TopologyChanged topology = TopologyView.of(
                ctx.cluster, snapshot, standbys, config.pause(), config.synchronousMode(), epoch, ctx.clock.instant());
        String fingerprint = TopologyView.fingerprint(topology);
        long now = ctx.nanos();
        long republish = ctx.settings.topologyRepublish().toNanos();
        if (fingerprint.equals(inFlight) && now - inFlightNanos < republish) {
            return; // sent, not yet acknowledged
        }
        boolean changed = !fingerprint.equals(acknowledged);
        if (!changed && now - acknowledgedNanos < republish) {
            return;
        }
        if (changed) {
            LOG.infof(
                    "topology of %s: leader %s, epoch %d, %d members, sync %s, pause %s",
                    ctx.cluster,
                    topology.leader(),
                    topology.epoch(),
                    topology.members().size(),
                    topology.syncStandbys(),
                    topology.pause());
        }
        inFlight = fingerprint;
        inFlightNanos = now;
        ctx.events().publish(topology).whenComplete((ok, failure) -> {
            if (failure == null) {
                acknowledged = fingerprint;
                acknowledgedNanos = ctx.nanos();
            } else {
                LOG.warnf("topology of %s not acknowledged (sent again): %s", ctx.cluster, failure.getMessage());
            }
            if (fingerprint.equals(inFlight)) {
                inFlight = null;
            }
        });
    }
}
