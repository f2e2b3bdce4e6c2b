package io.pgha.renderer.service;

import static io.pgha.core.store.EtcdCalls.bytes;
import static io.pgha.core.store.EtcdCalls.text;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.pgha.core.Detach;
import io.pgha.core.EtcdLayout;
import io.pgha.core.store.EtcdAccess;
import io.pgha.core.store.EtcdConnection;
import io.pgha.renderer.fence.FenceDecision;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Watches {@code /detach} and the leader key of every cluster this renderer routes, and hands {@link
 * FenceDecision}'s actions to {@link HaproxyRouting} (config-renderer's DESIGN.md, "Fencing"). Each
 * event (and every {@code reread} besides, in case a watch broke) reads both keys at one revision on its
 * own thread; the routing thread carries the actions out.
 */
public final class EtcdFenceWatch implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EtcdFenceWatch.class);

    private final EtcdConnection etcd;
    private final String namespace;
    private final Collection<String> clusters;
    private final HaproxyRouting routing;
    private final ScheduledExecutorService worker;
    private final List<AutoCloseable> watches = new ArrayList<>();

    public EtcdFenceWatch(
            EtcdAccess access,
            String namespace,
            Collection<String> clusters,
            HaproxyRouting routing,
            Duration timeout,
            Duration reread) {
        this.etcd = EtcdConnection.to(access, timeout);
        this.namespace = namespace;
        this.clusters = List.copyOf(clusters);
        this.routing = routing;
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fence-watch");
            t.setDaemon(true);
            return t;
        });
        for (String cluster : this.clusters) {
            EtcdLayout layout = new EtcdLayout(namespace, cluster);
            for (String key : List.of(layout.detach(), layout.leader())) {
                watches.add(etcd.watch(
                        c -> c.getWatchClient()
                                .watch(
                                        bytes(key),
                                        WatchOption.DEFAULT,
                                        response -> worker.execute(() -> check(cluster)),
                                        error -> worker.execute(() -> check(cluster))),
                        () -> worker.execute(() -> check(cluster))));
            }
        }
        worker.scheduleWithFixedDelay(this::checkAll, 0, reread.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void checkAll() {
        clusters.forEach(this::check);
    }

    /** Reads the two keys of {@code cluster} and carries out what {@link FenceDecision} says. */
    private void check(String cluster) {
        FenceDecision.Facts facts;
        try {
            facts = read(cluster);
        } catch (RuntimeException e) {
            LOG.warnf("could not read /detach and the leader key of %s (read again soon): %s", cluster, e.getMessage());
            return;
        }
        for (FenceDecision.Action action : FenceDecision.decide(facts)) {
            if (action instanceof FenceDecision.Action.Fence fence) {
                routing.fence(cluster, fence.member(), fence.epoch(), fence.detachRevision(), fence.why());
            } else if (action instanceof FenceDecision.Action.Lift lift) {
                routing.lift(cluster, lift.member(), lift.why());
            }
        }
    }

    private FenceDecision.Facts read(String cluster) {
        EtcdLayout layout = new EtcdLayout(namespace, cluster);
        GetResponse detach =
                etcd.await("get " + layout.detach(), c -> c.getKVClient().get(bytes(layout.detach())));
        long revision = detach.getHeader().getRevision();
        GetResponse leader = etcd.await("get " + layout.leader(), c -> c.getKVClient()
                .get(
                        bytes(layout.leader()),
                        GetOption.builder().withRevision(revision).build()));
        Detach order = null;
        long detachRevision =
                detach.getKvs().isEmpty() ? 0 : detach.getKvs().get(0).getModRevision();
        if (!detach.getKvs().isEmpty()) {
            try {
                order = Detach.fromJson(text(detach.getKvs().get(0).getValue()));
            } catch (RuntimeException e) {
                LOG.warnf("unreadable %s (no fence from it): %s", layout.detach(), e.getMessage());
            }
        }
        FenceDecision.Leader current = null;
        if (!leader.getKvs().isEmpty()) {
            KeyValue kv = leader.getKvs().get(0);
            current = new FenceDecision.Leader(text(kv.getValue()), kv.getModRevision());
        }
        return new FenceDecision.Facts(order, detachRevision, current, routing.fenced(cluster));
    }

    @Override
    public void close() {
        for (AutoCloseable watch : watches) {
            try {
                watch.close();
            } catch (Exception e) {
                LOG.debugf("closing a watch: %s", e.getMessage());
            }
        }
        worker.shutdownNow();
        etcd.close();
    }
}
