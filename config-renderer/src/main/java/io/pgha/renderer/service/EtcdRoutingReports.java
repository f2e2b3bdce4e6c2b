package io.pgha.renderer.service;

import static io.pgha.core.store.EtcdCalls.bytes;

import io.etcd.jetcd.options.PutOption;
import io.pgha.core.EtcdLayout;
import io.pgha.core.store.EtcdAccess;
import io.pgha.core.store.EtcdCalls;
import io.pgha.core.store.EtcdConnection;
import io.pgha.core.store.RouterReport;
import io.pgha.events.TopologyEvent.TopologyChanged;
import io.pgha.renderer.pool.PoolRouting;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Writes {@code /pgha/<cluster>/routers/<name>} = {@link RouterReport} for every cluster this renderer
 * routes, bound to its own etcd lease (renewed every third of its TTL), so a renderer that stops is
 * no longer waited for once its lease ends. Writes happen on their own thread, never on the routing
 * thread; a report that fails is written again at the next renewal.
 */
public final class EtcdRoutingReports implements RoutingReports, PoolRouting.Reports {
    private static final Logger LOG = Logger.getLogger(EtcdRoutingReports.class);

    private final EtcdConnection etcd;
    private final String namespace;
    private final String name;
    private final Duration ttl;
    private final Duration timeout;
    private final Clock clock;
    private final ScheduledExecutorService worker;
    /** What each cluster's key should say. */
    private final Map<String, RouterReport> wanted = new ConcurrentHashMap<>();
    /** Per cluster with a pooler here: the epoch its pools are paused for, or empty (running). */
    private final Map<String, Optional<Long>> pools = new ConcurrentHashMap<>();

    /** Per cluster: the fast failover's fence in force on every worker of this renderer's HAProxy. */
    private final Map<String, Optional<RouterReport.Fenced>> fences = new ConcurrentHashMap<>();

    /** What each cluster's key says (cleared with a new lease). */
    private final Map<String, RouterReport> written = new ConcurrentHashMap<>();

    private long lease;

    public EtcdRoutingReports(
            EtcdAccess access, String namespace, String name, Duration ttl, Duration timeout, Clock clock) {
        this.etcd = EtcdConnection.to(access, timeout);
        this.namespace = namespace;
        this.name = EtcdLayout.requireName("router", name);
        this.ttl = ttl;
        this.timeout = timeout;
        this.clock = clock;
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "routing-reports");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(200, ttl.toMillis() / 3);
        worker.scheduleWithFixedDelay(this::renew, 0, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public void routed(Collection<TopologyChanged> inForce) {
        for (TopologyChanged topology : inForce) {
            Optional<Long> pool = pools.get(topology.cluster());
            wanted.put(
                    topology.cluster(),
                    new RouterReport(
                            topology.epoch(),
                            topology.leader(),
                            clock.instant().toString(),
                            pool == null ? null : Boolean.TRUE,
                            pool == null ? null : pool.orElse(null),
                            fences.getOrDefault(topology.cluster(), Optional.empty())
                                    .orElse(null)));
        }
        worker.execute(this::writeChanged);
    }

    /** This renderer's pooler of {@code cluster} is paused for {@code pausedEpoch}, or running (null). */
    @Override
    public void pool(String cluster, Long pausedEpoch) {
        pools.put(cluster, Optional.ofNullable(pausedEpoch));
        wanted.computeIfPresent(
                cluster,
                (c, report) -> new RouterReport(
                        report.epoch(),
                        report.leader(),
                        report.appliedAt(),
                        Boolean.TRUE,
                        pausedEpoch,
                        report.fenced()));
        worker.execute(this::writeChanged);
    }

    /** The fast failover's fence of {@code cluster}, in force on every worker (null: none); written at once. */
    @Override
    public void fenced(String cluster, RouterReport.Fenced fence) {
        fences.put(cluster, Optional.ofNullable(fence));
        wanted.computeIfPresent(cluster, (c, report) -> report.withFenced(fence));
        worker.execute(this::writeChanged);
    }

    private void renew() {
        try {
            if (lease == 0 || etcd.call(c -> EtcdCalls.keepAliveOnce(c, lease, timeout)) <= 0) {
                grant(); // none yet, or it expired: the keys went with it
            }
        } catch (RuntimeException e) {
            LOG.warnf("could not renew the routing reports' lease: %s", e.getMessage());
            return;
        }
        writeChanged();
    }

    private void grant() {
        lease = etcd.await("grant a lease", c -> c.getLeaseClient().grant(Math.max(1, ttl.toSeconds())))
                .getID();
        written.clear(); // the keys went with the old lease
    }

    private void writeChanged() {
        if (lease == 0) {
            return; // the renewal grants one and writes then
        }
        wanted.forEach((cluster, report) -> {
            if (report.equals(written.get(cluster))) {
                return;
            }
            String key = new EtcdLayout(namespace, cluster).router(name);
            try {
                etcd.await("put " + key, c -> c.getKVClient()
                        .put(
                                bytes(key),
                                bytes(report.toJson()),
                                PutOption.builder().withLeaseId(lease).build()));
                written.put(cluster, report);
                LOG.debugf("reported %s: %s", key, report);
            } catch (RuntimeException e) {
                LOG.warnf("could not report routing to %s (tried again at the next renewal): %s", key, e.getMessage());
            }
        });
    }

    @Override
    public void close() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (lease != 0) {
                etcd.await("revoke the routing lease", c -> c.getLeaseClient().revoke(lease));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.debugf("could not revoke the routing lease (it expires): %s", e.getMessage());
        }
        etcd.close();
    }
}
