package io.pgha.backup.run;

import io.micrometer.core.instrument.MeterRegistry;
import io.pgha.backup.config.BackupConfig;
import io.pgha.backup.config.ConfigChecks;
import io.pgha.backup.decide.BackupDue;
import io.pgha.backup.decide.CronSchedule;
import io.pgha.backup.decide.RetentionPolicy;
import io.pgha.backup.etcd.BackupStore;
import io.pgha.backup.etcd.EtcdBackupStore;
import io.pgha.core.EtcdLayout;
import io.pgha.core.SecretSetting;
import io.pgha.core.store.ClusterDiscovery;
import io.pgha.core.store.ElectionLease;
import io.pgha.core.store.EtcdAccess;
import io.pgha.events.PghaEvent;
import io.pgha.messaging.EventPublisher;
import io.pgha.messaging.rest.ApiToken;
import io.pgha.repository.Repository;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * This instance: one election lease, the repository, and a {@link ClusterRunner} for each configured
 * cluster (or each cluster found under the etcd namespace, found again every few seconds).
 */
@ApplicationScoped
public class BackupService implements ApiToken {
    private static final Logger LOG = Logger.getLogger(BackupService.class);

    @Inject
    BackupConfig config;

    @Inject
    EventPublisher publisher;

    @Inject
    MeterRegistry registry;

    private final Map<String, ClusterRunner> runners = new ConcurrentHashMap<>();
    private String name;
    private Supplier<String> token;
    private Optional<List<String>> configured;
    private BackupStore store;
    private Repository repository;
    private ElectionLease lease;
    private Services services;
    private ClusterDiscovery discovery;

    void onStart(@Observes StartupEvent event) {
        ConfigChecks.values(config);
        name = ConfigChecks.name(config.backup());
        token = ConfigChecks.token(config.api());
        configured = ConfigChecks.clusters(config.backup());
        BackupConfig.Postgres pg = config.postgres();
        Credentials superuser = new Credentials(
                pg.superuser().username().orElse("postgres"),
                SecretSetting.resolve(
                        "pgha.postgres.superuser.password",
                        pg.superuser().password(),
                        pg.superuser().passwordFile()));
        Credentials replication = new Credentials(
                pg.replication().username().orElse("replicator"),
                SecretSetting.resolve(
                        "pgha.postgres.replication.password",
                        pg.replication().password(),
                        pg.replication().passwordFile()));
        ClientTls clientTls = ClientTls.checked(pg.tls().caFile());
        repository = Repository.open(config.repository()).orElseThrow();
        prepareSpool(config.backup().spool());
        EtcdAccess etcd = EtcdAccess.of(config.etcdEndpoints(), config.etcdSecurity(), System.getenv());
        store = new EtcdBackupStore(etcd, config.etcdNamespace(), Duration.ofSeconds(3));
        lease = new ElectionLease(store, config.backup().electionTtl());
        lease.start();
        BackupConfig.Backup b = config.backup();
        services = new Services(
                name,
                lease::lease,
                store,
                repository,
                config.repository().compression().strip().toLowerCase(java.util.Locale.ROOT),
                config.repository().encryptionKeyFile().isPresent(),
                new PgTools(pg.binDir(), clientTls),
                new PrimarySql(superuser, Duration.ofSeconds(5), clientTls),
                replication,
                b.spool(),
                b.maxRate(),
                b.basebackupTimeout(),
                b.walWait(),
                b.tick(),
                b.archiveProgressInterval(),
                b.heartbeatInterval(),
                new BackupDue.Schedule(
                        b.interval(),
                        b.schedule().map(cron -> CronSchedule.parse(cron, "pgha.backup.schedule")),
                        b.firstBackupAtOnce(),
                        Duration.ofMinutes(1)),
                new RetentionPolicy(b.retention().fullCount(), b.retention().recoveryWindow()),
                b.drill().interval(),
                b.drill().replayTimeout(),
                pg.binDir(),
                pg.osUser(),
                superuser.user(),
                superuser,
                b.dump().interval(),
                b.dump().keep(),
                b.dump().timeout(),
                config.repository().parallelism(),
                this::publish,
                new Metrics(registry, Clock.systemUTC()),
                Clock.systemUTC());
        discovery = ClusterDiscovery.start(Duration.ofSeconds(2), this::discover);
        LOG.infof(
                "backup-service %s started: etcd %s, namespace %s, repository %s, clusters %s",
                name,
                config.etcdEndpoints(),
                config.etcdNamespace(),
                repository.describe(),
                configured.map(Object::toString).orElse("(discovered in etcd)"));
    }

    void onStop(@Observes ShutdownEvent event) {
        if (discovery != null) {
            discovery.close();
        }
        runners.values().forEach(ClusterRunner::stop);
        if (lease != null) {
            lease.close();
        }
        if (store != null) {
            store.close();
        }
        if (repository != null) {
            repository.close();
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
        return "backups";
    }

    public BackupStore store() {
        return store;
    }

    public Repository repository() {
        return repository;
    }

    public String namespace() {
        return config.etcdNamespace();
    }

    /** The runner of {@code cluster}, if this instance serves it. */
    public Optional<ClusterRunner> runner(String cluster) {
        return Optional.ofNullable(runners.get(cluster));
    }

    /** The clusters this instance serves, sorted. */
    public List<String> clusters() {
        return runners.keySet().stream().sorted().toList();
    }

    private void publish(PghaEvent event) {
        publisher.publish(event).exceptionally(e -> {
            LOG.debugf("event %s not published: %s", event.getClass().getSimpleName(), e.getMessage());
            return null;
        });
    }

    private void discover() {
        for (String cluster : configured.orElseGet(store::clusters)) {
            runners.computeIfAbsent(cluster, c -> {
                ClusterRunner runner = new ClusterRunner(c, services);
                runner.start();
                LOG.infof("serving the backups of cluster %s", c);
                return runner;
            });
        }
    }

    /** Removes what a killed instance left in the spool (its pg_basebackup copies) and makes it 0700. */
    private static void prepareSpool(Path spool) {
        try {
            Files.createDirectories(spool);
            try (Stream<Path> children = Files.list(spool)) {
                for (Path cluster : children.toList()) {
                    if (Files.isDirectory(cluster)) {
                        try (Stream<Path> backups = Files.list(cluster)) {
                            backups.forEach(BaseBackup::removeSpool);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "invalid setting pgha.backup.spool: cannot prepare " + spool + " (" + e.getMessage() + ")");
        }
    }

    static void requireCluster(String cluster) {
        EtcdLayout.requireName("cluster", cluster);
    }
}
