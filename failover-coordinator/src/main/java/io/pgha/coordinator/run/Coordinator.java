package io.pgha.coordinator.run;

import io.pgha.coordinator.agent.AgentClient;
import io.pgha.coordinator.config.ConfigChecks;
import io.pgha.coordinator.config.CoordinatorConfig;
import io.pgha.coordinator.etcd.CoordinatorStore;
import io.pgha.coordinator.etcd.EtcdCoordinatorStore;
import io.pgha.core.store.ClusterDiscovery;
import io.pgha.core.store.ElectionLease;
import io.pgha.core.store.EtcdAccess;
import io.pgha.core.tls.AgentApiTrust;
import io.pgha.messaging.EventPublisher;
import io.pgha.messaging.rest.ApiToken;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * This replica: one election lease, one etcd watch, and a {@link ClusterWorker} for every cluster
 * found under the namespace (found again every few seconds and on every watch event of a new one).
 */
@ApplicationScoped
public class Coordinator implements ApiToken {
    private static final Logger LOG = Logger.getLogger(Coordinator.class);

    @Inject
    CoordinatorConfig config;

    @Inject
    HealthView health;

    @Inject
    EventPublisher events;

    private ClusterWorkers workers;
    private String name;
    private Supplier<String> token;
    private CoordinatorStore store;
    private ElectionLease lease;
    private AgentClient agents;
    private AutoCloseable watch;
    private ClusterDiscovery discovery;
    private volatile boolean running;

    void onStart(@Observes StartupEvent event) {
        ConfigChecks.timings(config);
        name = ConfigChecks.name(config.coordinator());
        token = ConfigChecks.token(config.api());
        EtcdAccess etcd = EtcdAccess.of(config.etcdEndpoints(), config.etcdSecurity(), System.getenv());
        agents = new AgentClient(
                config.coordinator().agentTimeout(),
                AgentApiTrust.sslContext(config.agentApi().caFile(), AgentApiTrust.PROPERTY));
        store = new EtcdCoordinatorStore(etcd, config.etcdNamespace(), Duration.ofSeconds(3));
        lease = new ElectionLease(store, config.coordinator().electionTtl());
        lease.start();
        workers = new ClusterWorkers(this::newWorker, health);
        health.onReachabilityChange(this::healthChanged);
        running = true;
        watch = store.watch(this::changed, () -> LOG.debug("etcd watch error; discovery continues"));
        discovery = ClusterDiscovery.start(Duration.ofSeconds(2), this::discover);
        LOG.infof(
                "failover-coordinator %s started: etcd %s, namespace %s, election ttl %s",
                name,
                config.etcdEndpoints(),
                config.etcdNamespace(),
                config.coordinator().electionTtl());
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        if (discovery != null) {
            discovery.close();
        }
        if (workers != null) {
            workers.stopAll();
        }
        closeQuietly(watch);
        if (lease != null) {
            lease.close();
        }
        if (store != null) {
            store.close();
        }
    }

    public String name() {
        return name;
    }

    /** The bearer token mutating calls must carry. */
    @Override
    public String token() {
        return token.get();
    }

    @Override
    public String changes() {
        return "the cluster";
    }

    /** Publishes a fact from the REST API (a switchover announced to the poolers); a failure is logged. */
    public void publish(io.pgha.events.PghaEvent event) {
        events.publish(event).exceptionally(e -> {
            org.jboss.logging.Logger.getLogger(Coordinator.class)
                    .warnf("event %s not published: %s", event.getClass().getSimpleName(), e.getMessage());
            return null;
        });
    }

    public CoordinatorStore store() {
        return store;
    }

    public AgentClient agents() {
        return agents;
    }

    public HealthView health() {
        return health;
    }

    public CoordinatorConfig config() {
        return config;
    }

    /** The clusters this replica knows of, sorted. */
    public List<String> clusters() {
        return workers.clusters();
    }

    /** True when this replica leads {@code cluster}. */
    public boolean leads(String cluster) {
        ClusterWorker worker = workers.get(cluster);
        return worker != null && worker.leads();
    }

    /** Hands a manual failover (no leader) to the cluster's worker; empty when this replica does not lead. */
    public Optional<CompletableFuture<String>> manualFailover(String cluster, String candidate, boolean ignoreLag) {
        ClusterWorker worker = workers.get(cluster);
        if (worker == null || !worker.leads()) {
            return Optional.empty();
        }
        return Optional.of(worker.manualFailover(candidate, ignoreLag));
    }

    /** A key of {@code cluster} changed: its worker runs now; a new cluster gets one (not for an election key). */
    private void changed(String cluster, String key) {
        ClusterWorker worker = workers.get(cluster);
        if (worker != null) {
            worker.wake();
        } else if (running && !key.equals(CoordinatorStore.ELECTION_KEY)) {
            workers.ensure(cluster);
        }
    }

    /** A member of {@code cluster} became unreachable (or reachable again): its worker looks now. */
    private void healthChanged(String cluster) {
        ClusterWorker worker = workers.get(cluster);
        if (worker != null) {
            worker.wake();
        }
    }

    private void discover() {
        workers.reconcile(store.clusters());
        health.dropOlderThan(Instant.now().minus(config.coordinator().healthViewMaxAge()));
    }

    private ClusterWorker newWorker(String cluster) {
        return new ClusterWorker(
                cluster,
                name,
                store,
                agents,
                health,
                events,
                config.coordinator(),
                lease::lease,
                Clock.systemUTC(),
                System::nanoTime);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.debugf("closing: %s", e.getMessage());
        }
    }
}
