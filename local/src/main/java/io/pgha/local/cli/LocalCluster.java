package io.pgha.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.core.EtcdLayout;
import io.pgha.core.EtcdRoles;
import io.pgha.core.Json;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.EtcdAccess;
import io.pgha.core.store.EtcdClusterStore;
import io.pgha.core.store.MemberEntry;
import io.pgha.events.Producers;
import io.pgha.events.Topic;
import io.pgha.events.Topics;
import io.pgha.local.Commands;
import io.pgha.local.EtcdCluster;
import io.pgha.local.Haproxy;
import io.pgha.local.KafkaBroker;
import io.pgha.local.LocalProcess;
import io.pgha.local.MonitoringFiles;
import io.pgha.local.NetworkBridge;
import io.pgha.local.NetworkNamespace;
import io.pgha.local.OsUser;
import io.pgha.local.PgBouncer;
import io.pgha.local.Ports;
import io.pgha.local.PostgresNode;
import io.pgha.local.Prometheus;
import io.pgha.local.QuarkusService;
import io.pgha.local.Signal;
import io.pgha.local.Tmpfs;
import io.pgha.local.Wait;
import io.pgha.local.Workspace;
import io.pgha.local.cli.ServiceSettings.AgentSecrets;
import io.pgha.local.cli.ServiceSettings.HaproxyFiles;
import io.pgha.local.cli.ServiceSettings.PoolerFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The whole local cluster behind {@code ./pgha up | down | status}: etcd, a Kafka broker, three
 * PostgreSQL nodes each owned by its node-agent (the agents bootstrap the cluster through etcd), two
 * failover-coordinators, a health-monitor, HAProxy driven by config-renderer (read-write and
 * read-only listeners from {@code pgha.topology}), backup-service, and for monitoring Alertmanager,
 * alert-service and Prometheus (deploy/monitoring's files), as processes under one home folder
 * ({@code ./.pgha}).
 * What runs is recorded in {@code state.properties} there, so that another JVM can report on it and
 * stop it.
 */
public final class LocalCluster {
    static final String STATE_FILE = "state.properties";

    /** pghactl's jar under the checkout ({@code ./pghactl} builds it): {@code ./pgha status} prints its list. */
    static final String PGHACTL_JAR = "pghactl-cli/target/pghactl.jar";

    /** The cluster's name: its etcd keys are under {@code /pgha/pgha/}. */
    public static final String CLUSTER = "pgha";

    /** The REST API token, under the home folder. */
    public static final String TOKEN_FILE = "api-token";

    /** The superuser's password, under the home folder. */
    public static final String SUPERUSER_PASSWORD_FILE = "secrets/superuser-password";

    /** The members' names (and so their etcd principals, {@code EtcdRoles.agent(CLUSTER, name)}). */
    public static final List<String> NODES = List.of("pg-0", "pg-1", "pg-2");

    static final List<String> COORDINATORS = List.of("coordinator-0", "coordinator-1");
    static final String ETCD = "etcd";
    static final String KAFKA = "kafka";
    static final String MONITOR = "health-monitor";
    static final String HAPROXY = "haproxy";
    static final String RENDERER = "config-renderer";
    /** The posix backup repository (WAL archive and base backups) under the home folder. */
    static final String REPOSITORY = "backups";

    static final String BACKUP = "backup-service";
    static final String ALERTMANAGER = "alertmanager";
    static final String ALERT_SERVICE = "alert-service";
    static final String PROMETHEUS = "prometheus";
    /** alert-service's persisted outbox, under the home folder. */
    static final String ALERT_OUTBOX = "alert-outbox";
    /** The default name of the cluster {@code ./pgha restore} makes. */
    static final String RESTORED = "restored";

    /** The folder of a service's REST certificate copied for PostgreSQL's user (agents, backup-service). */
    private static final String REST_TLS = "rest-tls";

    private static final Duration FIRST_BACKUP_TIMEOUT = Duration.ofMinutes(3);

    private static final String REPLICATION_PASSWORD_FILE = "secrets/replication-password";
    private static final String MONITORING_PASSWORD_FILE = "secrets/monitoring-password";
    private static final String POOLER_PASSWORD_FILE = "secrets/pooler-password";
    private static final String POOLER_ADMIN_PASSWORD_FILE = "secrets/pooler-admin-password";
    static final String PGBOUNCER = "pgbouncer";
    private static final Duration AGENTS_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration ROUTING_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration SERVICE_GRACE = Duration.ofSeconds(20);
    private static final Duration AGENT_GRACE = Duration.ofSeconds(45);

    private final Path home;
    private final Workspace workspace;
    private final LocalPorts ports;
    private final PrintStream out;
    private final Every rendererPoll = new Every(Duration.ofMillis(500));
    /** The processes this JVM started and has not stopped yet, by component. */
    private final Map<String, LocalProcess> mine = new LinkedHashMap<>();
    /** The services this JVM started, by component (agents by member name, coordinators, monitor, renderer). */
    private final Map<String, QuarkusService> services = new LinkedHashMap<>();

    private int etcdMembers = 1;
    private boolean nodesInNamespaces;
    private NetworkBridge bridge;
    /** Each node's network namespace, by member, when {@link #nodesInNamespaces()}. */
    private final Map<String, NetworkNamespace> namespaces = new LinkedHashMap<>();
    /** The size of each node's tmpfs disk, 0 for none ({@link #nodeDisks(long)}). */
    private long nodeDiskBytes;
    /** Each node's tmpfs disk, by member, when {@link #nodeDisks(long)}. */
    private final Map<String, Tmpfs> disks = new LinkedHashMap<>();

    /** {@code --insecure}: no CA, everything in plaintext (the default secures PostgreSQL, see {@link LocalTls}). */
    private boolean insecure;

    private boolean withoutRepository;
    /** The local CA of the last {@link #up()} (or of the state file, for hints). */
    private LocalTls tls;

    private EtcdCluster etcdCluster;
    private KafkaBroker kafkaBroker;
    private Prometheus prometheus;

    /** The cluster of {@code ./pgha}: detached processes under {@code home}, which outlive this JVM. */
    public LocalCluster(Path home, LocalPorts ports, PrintStream out) {
        this.home = home.toAbsolutePath();
        this.workspace = null;
        this.ports = ports;
        this.out = out;
    }

    /**
     * A cluster in {@code workspace}: with a temporary one (tests), every process also dies with this
     * JVM ({@code ProcessRegistry}).
     */
    public LocalCluster(Workspace workspace, LocalPorts ports, PrintStream out) {
        this.home = workspace.root().toAbsolutePath();
        this.workspace = workspace;
        this.ports = ports;
        this.out = out;
    }

    public LocalPorts ports() {
        return ports;
    }

    /**
     * Runs etcd with {@code members} members (1, the default of {@code ./pgha up}, or 3) on the next
     * {@link #up()}. The first member uses the etcd ports of {@link #ports()}, the others free ports;
     * every service gets every member's endpoint.
     */
    public LocalCluster etcdMembers(int members) {
        if (members != 1 && members != 3) {
            throw new IllegalArgumentException("etcd members must be 1 or 3, not " + members);
        }
        this.etcdMembers = members;
        return this;
    }

    /**
     * Runs each node (agent and PostgreSQL) in its own network namespace on one {@link NetworkBridge}
     * on the next {@link #up()} (tests only: needs root, and the namespaces go with this JVM). etcd then
     * also listens on the bridge's service address, which a node can be cut off from on its own
     * ({@link NetworkNamespace#block(String)}); PostgreSQL and the agent listen on the namespace's
     * address ({@link #host(String)}).
     */
    public LocalCluster nodesInNamespaces() {
        if (workspace == null) {
            throw new IllegalStateException("nodes run in network namespaces only in a test's workspace");
        }
        this.nodesInNamespaces = true;
        return this;
    }

    /**
     * Gives each node a disk of its own on the next {@link #up()}: a tmpfs of {@code bytes} mounted on
     * the node's directory (its PGDATA, pg_wal and postgresql.log) before the node is initialised or
     * cloned, so that a test can fill it ({@link #disk(String)}). Tests only: needs root; the mounts are
     * unmounted by {@link #down(boolean)} (each node's postgresql.log is first copied to {@code
     * logs/<member>-postgresql.log}) or at JVM exit.
     */
    public LocalCluster nodeDisks(long bytes) {
        if (workspace == null) {
            throw new IllegalStateException("nodes get tmpfs disks only in a test's workspace");
        }
        if (bytes < 64L << 20) {
            throw new IllegalArgumentException("a node's disk needs at least 64 MiB, not " + bytes + " bytes");
        }
        this.nodeDiskBytes = bytes;
        return this;
    }

    /**
     * {@code ./pgha up --insecure}: no local CA, every connection in plaintext on 127.0.0.1 as before issue
     * 21, for quick experiments. Without it, {@link #up()} makes a CA and certificates under {@code
     * <home>/tls}: PostgreSQL serves TLS only, etcd and Kafka are secured, and every service's REST API
     * serves HTTPS only ({@link LocalTls}).
     */
    public LocalCluster insecure() {
        this.insecure = true;
        return this;
    }

    /**
     * The agents get no backup repository on the next {@link #up()} ({@code pgha.repository.type=none}: no
     * WAL archiving, no {@code restore_command}) and no backup-service runs: as a Patroni cluster without
     * an archive, for benchmarks that compare the two (FailoverBenchIT's {@code bench.pgha.repository=none}).
     */
    public LocalCluster withoutRepository() {
        this.withoutRepository = true;
        return this;
    }

    /** The local CA's certificate while TLS is on (after {@link #up()}; empty with {@link #insecure()}). */
    public Optional<Path> caCert() {
        return tls == null ? Optional.empty() : tls.caCert();
    }

    /**
     * The JDBC URL parameters of a client that verifies the members against the local CA while TLS is on
     * ({@code &sslmode=verify-full&sslrootcert=<ca>}; every member's certificate names its address and
     * 127.0.0.1, so this holds through HAProxy too); empty with {@link #insecure()}.
     */
    public String jdbcTlsParameters() {
        return caCert().map(ca -> "&sslmode=verify-full&sslrootcert=" + ca).orElse("");
    }

    /**
     * The one HTTP client for the services' REST APIs of this cluster (after {@link #up()}): it trusts the
     * local CA while TLS is on (every service serves HTTPS only, with a certificate naming 127.0.0.1 and
     * its address), the JVM's CAs with {@link #insecure()}. The launcher and the system tests use it.
     */
    public HttpClient httpClient() {
        if (tls == null) {
            throw new IllegalStateException("no TLS settings yet: call up() first");
        }
        return tls.httpClient();
    }

    /**
     * The certificate {@code component} (a member's agent {@code pg-0}, {@code coordinator-0}, {@code
     * health-monitor}, ...) serves its REST API with while TLS is on; empty with {@link #insecure()}.
     */
    public Optional<Path> restCertificate(String component) {
        return tls == null ? Optional.empty() : tls.restCertificate(component);
    }

    /** How a test reaches this JVM's etcd (after {@link #up()}): as {@code root}'s certificate while TLS is on. */
    public EtcdAccess etcdAccess() {
        return tls == null ? EtcdAccess.plain(etcdCluster.endpoints()) : tls.etcdAccess(etcdCluster.endpoints());
    }

    /**
     * {@code builder} with the Kafka settings of a service logging in as {@code principal} (its SCRAM user,
     * a {@code Producers} name) to this JVM's broker, as {@link #up()} gives its own services; plaintext:
     * nothing (the caller sets {@code kafka.bootstrap.servers}).
     */
    public QuarkusService.Builder kafkaClient(QuarkusService.Builder builder, String principal) {
        return LocalTls.kafka(builder, kafkaBroker, principal, null);
    }

    /** Member {@code member}'s tmpfs disk (only with {@link #nodeDisks(long)}). */
    public Tmpfs disk(String member) {
        Tmpfs disk = disks.get(member);
        if (disk == null) {
            throw new IllegalStateException("no tmpfs disk for " + member + ": nodeDisks() is off");
        }
        return disk;
    }

    /** Member {@code member}'s network namespace (only with {@link #nodesInNamespaces()}). */
    public NetworkNamespace namespace(String member) {
        NetworkNamespace ns = namespaces.get(member);
        if (ns == null) {
            throw new IllegalStateException("no network namespace for " + member + ": nodesInNamespaces() is off");
        }
        return ns;
    }

    /** The bridge the nodes' namespaces join (only with {@link #nodesInNamespaces()}). */
    public NetworkBridge bridge() {
        if (bridge == null) {
            throw new IllegalStateException("no network bridge: nodesInNamespaces() is off");
        }
        return bridge;
    }

    /** The address member {@code member}'s PostgreSQL and agent listen on. */
    public String host(String member) {
        NetworkNamespace ns = namespaces.get(member);
        return ns == null ? Ports.LOOPBACK : ns.address();
    }

    /** The etcd cluster this JVM started (null before {@link #up()} or when another JVM started it). */
    public EtcdCluster etcd() {
        return etcdCluster;
    }

    /** The Kafka broker this JVM started (null before {@link #up()} or when another JVM started it). */
    public KafkaBroker kafka() {
        return kafkaBroker;
    }

    /**
     * A service this JVM started: an agent by its member's name ({@code pg-0}), a coordinator
     * ({@code coordinator-0}), {@code health-monitor} or {@code config-renderer}.
     */
    public QuarkusService service(String component) {
        QuarkusService service = services.get(component);
        if (service == null) {
            throw new IllegalArgumentException(
                    "no service " + component + " started by this launcher (known: " + services.keySet() + ")");
        }
        return service;
    }

    /** The Prometheus this JVM started (null before {@link #up()} or when another JVM started it). */
    public Prometheus prometheus() {
        return prometheus;
    }

    /** The members' names ({@code pg-0}, {@code pg-1}, {@code pg-2}). */
    public static List<String> members() {
        return NODES;
    }

    /** The failover-coordinators' names ({@code coordinator-0}, {@code coordinator-1}). */
    public static List<String> coordinators() {
        return COORDINATORS;
    }

    /** Member {@code member}'s PostgreSQL data directory (its {@code postmaster.pid} names the postmaster). */
    public Path dataDir(String member) {
        return home.resolve("nodes").resolve(member).resolve("data");
    }

    /** The pid in member {@code member}'s {@code postmaster.pid}. */
    public long postmasterPid(String member) {
        try {
            return Long.parseLong(Files.readAllLines(dataDir(member).resolve("postmaster.pid"))
                    .get(0)
                    .strip());
        } catch (IOException | IndexOutOfBoundsException e) {
            throw new IllegalStateException("no readable postmaster.pid for " + member + " in " + dataDir(member), e);
        }
    }

    /**
     * Node loss: SIGKILL to member {@code member}'s agent (its process group) and to its postmaster;
     * returns the {@link System#nanoTime()} of the kill once both are gone. The postmaster is looked up
     * again until none runs: it may already have died with the agent's group (a fresh-clone run failed
     * on "kill: No such process"), or one the agent started just before it died may run under a new pid.
     */
    public long killNode(String member) {
        LocalProcess agent = service(member).process();
        long at = System.nanoTime();
        agent.signalGroup(Signal.KILL);
        Wait.until(Duration.ofSeconds(10), member + "'s agent and postmaster gone", () -> {
            OptionalLong postmaster = livePostmaster(member);
            postmaster.ifPresent(LocalCluster::killIfAlive);
            return !agent.isAlive() && postmaster.isEmpty();
        });
        return at;
    }

    /** The pid of member {@code member}'s postmaster while one runs. */
    private OptionalLong livePostmaster(String member) {
        try {
            long pid = postmasterPid(member);
            return LocalProcess.isAlive(pid) ? OptionalLong.of(pid) : OptionalLong.empty();
        } catch (IllegalStateException e) {
            return OptionalLong.empty(); // no postmaster.pid: none runs
        }
    }

    private static void killIfAlive(long pid) {
        Commands.Result result =
                Commands.run(List.of("kill", "-s", Signal.KILL.name(), Long.toString(pid)), Duration.ofSeconds(5));
        if (result.exitCode() != 0 && LocalProcess.isAlive(pid)) {
            result.orThrow();
        }
    }

    /** SIGKILL to member {@code member}'s postmaster only; returns the {@link System#nanoTime()} of the kill. */
    public long killPostmaster(String member) {
        long postmaster = postmasterPid(member);
        long at = System.nanoTime();
        kill(postmaster);
        return at;
    }

    /** SIGKILL to the one process {@code pid} (its children notice the postmaster's death themselves). */
    private static void kill(long pid) {
        Commands.run(List.of("kill", "-s", Signal.KILL.name(), Long.toString(pid)), Duration.ofSeconds(5))
                .orThrow();
    }

    /** The PostgreSQL superuser's password (generated once under the home folder). */
    public String superuserPassword() {
        return readSecret(SUPERUSER_PASSWORD_FILE);
    }

    /** The bearer token of mutating REST calls (generated once under the home folder). */
    public String apiToken() {
        return readSecret(TOKEN_FILE);
    }

    private String readSecret(String file) {
        try {
            return Files.readString(home.resolve(file)).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + home.resolve(file) + ": has up() run?", e);
        }
    }

    /**
     * Starts again a component this JVM started that has been stopped or killed since (an agent, a
     * coordinator, the monitor, the renderer, {@code kafka}, or an etcd member: {@code etcd} for the
     * first, {@code etcd-1}, {@code etcd-2}), waits until it is ready and records its new process so
     * that {@link #down(boolean)} stops it.
     */
    public void restart(String component) {
        LocalProcess process;
        Duration grace = SERVICE_GRACE;
        if (component.equals(KAFKA)) {
            kafkaBroker.start();
            process = kafkaBroker.process();
        } else if (component.equals(ETCD) || component.startsWith(ETCD + "-")) {
            int index = component.equals(ETCD) ? 0 : Integer.parseInt(component.substring(ETCD.length() + 1));
            EtcdCluster.Member member = etcdCluster.member(index);
            member.start();
            member.awaitHealthy(Duration.ofSeconds(30));
            process = member.process();
        } else {
            QuarkusService service = service(component);
            service.start();
            process = service.process();
            if (NODES.contains(component)) {
                grace = AGENT_GRACE;
            }
        }
        Properties state = readState();
        String address = state.getProperty(component + ".address", "");
        record(state, component, process, Signal.TERM, grace, address);
    }

    /**
     * {@code ./pgha restore}: restores this cluster's backups to the target in {@code words} (e.g.
     * {@code --time 2026-12-01T10:15:30Z}) into a new one-member cluster ({@code --cluster}, default
     * {@code restored}) whose agent runs beside the others and stops with {@code down}.
     */
    public void restore(List<String> words) {
        Properties state = readState();
        if (!anyAlive(state) || state.getProperty(BACKUP + ".pid") == null) {
            throw new IllegalStateException("pgha is not running here (start it with './pgha up')");
        }
        int named = words.indexOf("--cluster");
        String newCluster = named >= 0 && named + 1 < words.size() ? words.get(named + 1) : RESTORED;
        var body = LocalRestore.body(words, newCluster);
        Workspace ws = workspace != null ? workspace : Workspace.persistent(home);
        OsUser pgUser = OsUser.forPostgres();
        QuarkusService agent = new LocalRestore(ws, ports, out)
                .run(
                        CLUSTER,
                        newCluster,
                        body,
                        etcdEndpoints(state),
                        ws.dirReachableBy(pgUser, REPOSITORY),
                        readToken(),
                        state.getProperty(BACKUP + ".address"),
                        tlsOf(state),
                        Map.of(
                                "superuser", readSecret(SUPERUSER_PASSWORD_FILE),
                                "replication", readSecret(REPLICATION_PASSWORD_FILE),
                                "monitoring", readSecret(MONITORING_PASSWORD_FILE)));
        String component = LocalRestore.member(newCluster);
        services.put(component, agent);
        record(
                readState(),
                component,
                agent.process(),
                Signal.TERM,
                AGENT_GRACE,
                agent.uri("").toString());
    }

    /** The home folder (data, logs, secrets, state). */
    public Path home() {
        return home;
    }

    /**
     * Starts everything and returns once a write through the read-write port is read back from a
     * replica through the read-only port; when anything fails, stops what it started and throws.
     */
    public void up() {
        Properties running = readState();
        if (anyAlive(running)) {
            out.println("pgha is already running under " + home + "; nothing started.");
            out.println("See './pgha status', or stop it with './pgha down'.");
            return;
        }
        ports.requireAllFree();
        Workspace ws = workspace != null ? workspace : Workspace.persistent(home);
        Properties state = new Properties();
        state.setProperty("cluster", CLUSTER);
        state.setProperty("etcd.endpoint", etcdEndpoint());
        out.println("pgha up: cluster '" + CLUSTER + "' under " + home + " (logs in " + home.resolve("logs") + ")");
        try (StartedProcesses started = new StartedProcesses()) {
            try {
                start(ws, state);
            } catch (RuntimeException e) {
                writeState(state);
                out.println("pgha up failed: " + e.getMessage());
                out.println("Logs are in " + home.resolve("logs") + ". Stopping what was started.");
                down(false);
                stopUnrecorded(started.all(), state);
                throw e;
            }
        }
        printEndpoints();
    }

    /**
     * The builder of a service that produces to Kafka as {@code producer} and serves its REST API as
     * {@code name}, both secured as {@link LocalTls} says; with {@code copyFor}, the Kafka and REST key
     * material is copied under it ({@code kafka-tls}, {@code rest-tls}) for the user PostgreSQL runs as.
     */
    private QuarkusService.Builder securedService(
            Workspace ws, String name, String module, String producer, Path copyFor) {
        QuarkusService.Builder builder = LocalTls.kafka(
                QuarkusService.builder(ws, name, QuarkusService.moduleJar(module)),
                kafkaBroker,
                producer,
                copyFor == null ? null : copyFor.resolve("kafka-tls"));
        return tls.rest(builder, name, Ports.LOOPBACK, copyFor == null ? null : copyFor.resolve(REST_TLS));
    }

    private void start(Workspace ws, Properties state) {
        OsUser pgUser = OsUser.forPostgres();
        tls = LocalTls.in(home, insecure);
        state.setProperty("tls", tls.on() ? "on" : "off");
        tls.caCert().ifPresent(ca -> state.setProperty("tls.ca", ca.toString()));
        writeState(state);
        out.println(LocalTls.summary(tls.dir()));
        String token = Secrets.loadOrCreate(home.resolve(TOKEN_FILE));
        String superuser = Secrets.loadOrCreate(home.resolve(SUPERUSER_PASSWORD_FILE));
        String replication = Secrets.loadOrCreate(home.resolve(REPLICATION_PASSWORD_FILE));
        String monitoring = Secrets.loadOrCreate(home.resolve(MONITORING_PASSWORD_FILE));
        String pooler = Secrets.loadOrCreate(home.resolve(POOLER_PASSWORD_FILE));
        String poolerAdmin = Secrets.loadOrCreate(home.resolve(POOLER_ADMIN_PASSWORD_FILE));
        Secrets.write(
                home.resolve("pgpass"), Ports.LOOPBACK + ":*:*:" + PostgresNode.SUPERUSER + ":" + superuser, null);
        List<Integer> etcdClientPorts = new ArrayList<>(List.of(ports.etcdClient()));
        List<Integer> etcdPeerPorts = new ArrayList<>(List.of(ports.etcdPeer()));
        for (int i = 1; i < etcdMembers; i++) {
            etcdClientPorts.add(Ports.free());
            etcdPeerPorts.add(Ports.free());
        }
        List<String> etcdHosts = List.of();
        if (nodesInNamespaces) {
            bridge = NetworkBridge.create();
            for (String name : NODES) {
                namespaces.put(name, NetworkNamespace.create(bridge));
            }
            etcdHosts = List.of(bridge.serviceAddress());
        }
        etcdCluster = tls.on()
                ? EtcdCluster.startTls(
                        ws,
                        etcdClientPorts,
                        etcdPeerPorts,
                        etcdHosts,
                        tls.authority().orElseThrow())
                : EtcdCluster.start(ws, etcdClientPorts, etcdPeerPorts, etcdHosts);
        state.setProperty("etcd.tls", tls.on() ? "on" : "off");
        List<String> etcd = etcdCluster.endpoints();
        List<String> nodesEtcd = nodesInNamespaces ? etcdCluster.endpoints(bridge.serviceAddress()) : etcd;
        state.setProperty("etcd.endpoints", String.join(",", etcd));
        state.setProperty("etcd.endpoint", etcd.get(0));
        for (int i = 0; i < etcdMembers; i++) {
            EtcdCluster.Member member = etcdCluster.member(i);
            record(
                    state,
                    i == 0 ? ETCD : ETCD + "-" + i,
                    member.process(),
                    Signal.TERM,
                    SERVICE_GRACE,
                    member.endpoint());
        }
        tls.etcdRoles(etcd, etcdDeployment(Map.of()));
        out.println("etcd ready: " + String.join(",", etcd) + (tls.on() ? " (RBAC on)" : ""));

        KafkaBroker kafka = tls.on()
                ? KafkaBroker.startSecured(ws, tls.authority().orElseThrow(), ports.kafka(), ports.kafkaController())
                : KafkaBroker.start(ws, ports.kafka(), ports.kafkaController());
        state.setProperty("kafka.security", kafka.secured() ? "SASL_SSL" : "PLAINTEXT");
        kafkaBroker = kafka;
        record(state, KAFKA, kafka.process(), Signal.TERM, SERVICE_GRACE, kafka.bootstrapServers());
        kafka.createTopics(Topics.ALL);
        out.println("kafka ready: " + kafka.bootstrapServers() + " (topics "
                + Topics.ALL.stream().map(Topic::name).collect(Collectors.joining(", ")) + ")");

        // Before the agents: once the cluster exists in etcd (a later 'up' with the data kept), only a
        // coordinator names its primary.
        for (int i = 0; i < COORDINATORS.size(); i++) {
            String name = COORDINATORS.get(i);
            QuarkusService coordinator = securedService(
                            ws, name, "failover-coordinator", Producers.FAILOVER_COORDINATOR, null)
                    .httpPort(ports.coordinator(i))
                    .properties(
                            ServiceSettings.coordinator(name, etcd, home.resolve(TOKEN_FILE), kafka.bootstrapServers()))
                    .properties(tls.etcd(etcd, EtcdRoles.COORDINATOR, null))
                    .properties(tls.agentApiTrust(null))
                    .start();
            services.put(name, coordinator);
            record(
                    state,
                    name,
                    coordinator.process(),
                    Signal.TERM,
                    SERVICE_GRACE,
                    coordinator.uri("").toString());
            out.println("failover-" + name + " ready: " + coordinator.uri(""));
        }

        Path nodes = ws.dirReachableBy(pgUser, "nodes");
        Path repository = pgUser.ownedDir(ws.dirReachableBy(pgUser, REPOSITORY));
        for (int i = 0; i < NODES.size(); i++) {
            String name = NODES.get(i);
            if (nodeDiskBytes > 0) {
                disks.put(name, Tmpfs.mount(nodes.resolve(name), nodeDiskBytes));
            }
            Path nodeDir = pgUser.ownedDir(nodes.resolve(name));
            AgentSecrets secrets = new AgentSecrets(
                    Secrets.write(nodeDir.resolve("api-token"), token, pgUser),
                    Secrets.write(nodeDir.resolve("superuser.secret"), superuser, pgUser),
                    Secrets.write(nodeDir.resolve("replication.secret"), replication, pgUser),
                    Secrets.write(nodeDir.resolve("monitoring.secret"), monitoring, pgUser));
            QuarkusService.Builder builder = QuarkusService.builder(
                            ws, "agent-" + name, QuarkusService.moduleJar("node-agent"))
                    .httpPort(ports.agent(i))
                    .properties(agentRepository(ServiceSettings.agent(
                            CLUSTER,
                            name,
                            nodesEtcd,
                            host(name),
                            ports.postgres(i),
                            nodeDir.resolve("data"),
                            secrets,
                            repository)))
                    .properties(Map.of(
                            "pgha.postgres.pooler.password-file",
                            Secrets.write(nodeDir.resolve("pooler.secret"), pooler, pgUser)
                                    .toString()))
                    .properties(tls.agent(name, host(name), nodeDir))
                    .properties(tls.etcd(nodesEtcd, EtcdRoles.agent(CLUSTER, name), nodeDir.resolve("etcd-tls")))
                    .properties(tls.agentApiTrust(nodeDir.resolve(REST_TLS)))
                    .asPostgresUser();
            builder = tls.rest(builder, name, host(name), nodeDir.resolve(REST_TLS));
            if (tls.on()) {
                // libpq looks for a client certificate in ~/.postgresql and fails on an unreadable home
                // (setpriv keeps root's HOME): the agent, and the PostgreSQL it starts, get their node folder
                builder.env("HOME", nodeDir.toString());
            }
            if (nodesInNamespaces) {
                builder.inNamespace(namespace(name));
            }
            QuarkusService agent = builder.start();
            services.put(name, agent);
            record(
                    state,
                    name,
                    agent.process(),
                    Signal.TERM,
                    AGENT_GRACE,
                    agent.uri("").toString());
            state.setProperty(name + ".postgres", host(name) + ":" + ports.postgres(i));
            writeState(state);
            out.println("node-agent " + name + " ready: " + agent.uri("") + " (PostgreSQL " + host(name) + ":"
                    + ports.postgres(i) + ")");
        }
        awaitAgents(tls.etcdAccess(etcd));

        QuarkusService monitor = securedService(ws, MONITOR, "health-monitor", Producers.HEALTH_MONITOR, null)
                .httpPort(ports.monitor())
                .properties(ServiceSettings.monitor(kafka.bootstrapServers()))
                .properties(tls.monitor())
                .env(ServiceSettings.MONITOR_PASSWORD_ENV, monitoring)
                .start();
        services.put(MONITOR, monitor);
        record(
                state,
                MONITOR,
                monitor.process(),
                Signal.TERM,
                SERVICE_GRACE,
                monitor.uri("").toString());
        out.println("health-monitor ready: " + monitor.uri(""));

        HaproxyFiles files = HaproxyFiles.in(ws.dir(HAPROXY));
        Haproxy haproxy = Haproxy.start(ws, ServiceSettings.initialHaproxyConfig(files, ports.haproxyStats()));
        record(
                state,
                HAPROXY,
                haproxy.process(),
                Signal.TERM,
                SERVICE_GRACE,
                "http://" + Ports.LOOPBACK + ":" + ports.haproxyStats() + "/stats");
        out.println("haproxy ready: stats http://" + Ports.LOOPBACK + ":" + ports.haproxyStats()
                + "/stats (no listeners until config-renderer has a topology)");

        PoolerFiles poolerFiles = startPgBouncer(ws, state, pooler, poolerAdmin);

        QuarkusService renderer = securedService(ws, RENDERER, "config-renderer", Producers.CONFIG_RENDERER, null)
                .httpPort(ports.renderer())
                .properties(ServiceSettings.renderer(
                        CLUSTER,
                        etcd,
                        kafka.bootstrapServers(),
                        files,
                        ports.readWrite(),
                        ports.readOnly(),
                        ports.haproxyStats()))
                .properties(ServiceSettings.rendererPool(CLUSTER, poolerFiles, ports.pooler()))
                .properties(tls.pooler(PgBouncer.directory(ws)))
                .properties(tls.etcd(etcd, EtcdRoles.RENDERER, null))
                .properties(tls.rendererChecks())
                .env(ServiceSettings.POOLER_ADMIN_PASSWORD_ENV, poolerAdmin)
                .start();
        services.put(RENDERER, renderer);
        record(
                state,
                RENDERER,
                renderer.process(),
                Signal.TERM,
                SERVICE_GRACE,
                renderer.uri("").toString());
        out.println("config-renderer ready: " + renderer.uri(""));

        awaitRouting(renderer, superuser);
        writeState(state);

        if (withoutRepository) {
            out.println("backup-service not started: the agents have no backup repository");
        } else {
            startBackupService(ws, state, etcd, kafka.bootstrapServers(), repository, token, superuser, replication);
        }
        startMonitoring(ws, state, kafka);
    }

    /**
     * Starts PgBouncer on the pooler port with its auth file (the admin user and the lookup role only:
     * application users are looked up with auth_query) and a first configuration without databases;
     * config-renderer renders the real one and sends RELOAD.
     */
    private PoolerFiles startPgBouncer(Workspace ws, Properties state, String pooler, String poolerAdmin) {
        PgBouncer.writePrivateFile(
                ws,
                "userlist.txt",
                "\"" + ServiceSettings.POOLER_ADMIN + "\" \"" + poolerAdmin + "\"\n\"" + ServiceSettings.POOLER_LOOKUP
                        + "\" \"" + pooler + "\"\n");
        PoolerFiles files = PoolerFiles.in(PgBouncer.directory(ws));
        PgBouncer bouncer = PgBouncer.start(
                ws,
                ServiceSettings.initialPgBouncerConfig(
                        files,
                        ports.pooler(),
                        Optional.ofNullable(tls.pooler(PgBouncer.directory(ws)).get(LocalTls.POOLER_CA))),
                ports.pooler(),
                new PgBouncer.AdminLogin(ServiceSettings.POOLER_ADMIN, poolerAdmin));
        record(state, PGBOUNCER, bouncer.process(), Signal.TERM, SERVICE_GRACE, Ports.LOOPBACK + ":" + ports.pooler());
        out.println("pgbouncer ready: " + Ports.LOOPBACK + ":" + ports.pooler()
                + " (no pooled database until config-renderer renders its configuration)");
        return files;
    }

    /**
     * Starts Alertmanager (deploy/monitoring's configuration), alert-service posting to it, and
     * Prometheus scraping everything that runs, with deploy/monitoring's rules, alerting to Alertmanager.
     */
    private void startMonitoring(Workspace ws, Properties state, KafkaBroker kafka) {
        MonitoringFiles files = MonitoringFiles.shipped();
        String alertmanagerUrl = LocalMonitoring.url(ports.alertmanager());
        LocalProcess alertmanager =
                LocalMonitoring.startAlertmanager(ws, files.alertmanagerConfig(), ports.alertmanager());
        record(state, ALERTMANAGER, alertmanager, Signal.TERM, SERVICE_GRACE, alertmanagerUrl);
        out.println("alertmanager ready: " + alertmanagerUrl);

        QuarkusService alerts = securedService(ws, ALERT_SERVICE, ALERT_SERVICE, Producers.ALERT_SERVICE, null)
                .httpPort(ports.alertService())
                .properties(ServiceSettings.alertService(
                        kafka.bootstrapServers(), List.of(alertmanagerUrl), ws.dir(ALERT_OUTBOX)))
                // the link in each alert: its own REST URL, https while TLS is on
                .property("pgha.alert.generator-url", restUrl(ports.alertService()))
                .start();
        services.put(ALERT_SERVICE, alerts);
        record(
                state,
                ALERT_SERVICE,
                alerts.process(),
                Signal.TERM,
                SERVICE_GRACE,
                alerts.uri("").toString());
        out.println("alert-service ready: " + alerts.uri("") + " (posts to " + alertmanagerUrl + ")");

        String config;
        try {
            config = LocalMonitoring.prometheusConfig(
                    Files.readString(files.prometheusConfig()), LocalPorts.defaults(), ports);
            if (tls.on()) {
                config = LocalMonitoring.httpsScrapes(config, tls.caCert().orElseThrow());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + files.prometheusConfig(), e);
        }
        prometheus = Prometheus.start(ws, config, files.ruleFiles(), ports.prometheus());
        record(state, PROMETHEUS, prometheus.process(), Signal.TERM, SERVICE_GRACE, prometheus.url());
        out.println("prometheus ready: " + prometheus.url() + " (scraping every service, rules from "
                + files.prometheusConfig().getParent() + ")");
    }

    /**
     * Starts backup-service (as the user PostgreSQL runs as, so that the repository's files stay that
     * user's) and waits for the first base backup it takes to be complete.
     */
    private void startBackupService(
            Workspace ws,
            Properties state,
            List<String> etcd,
            String kafka,
            Path repository,
            String token,
            String superuser,
            String replication) {
        OsUser pgUser = OsUser.forPostgres();
        Path dir = pgUser.ownedDir(ws.dirReachableBy(pgUser, BACKUP));
        Path spool = pgUser.ownedDir(dir.resolve("spool"));
        QuarkusService.Builder builder = securedService(ws, BACKUP, BACKUP, Producers.BACKUP_SERVICE, dir)
                .httpPort(ports.backup())
                .properties(ServiceSettings.backup(
                        CLUSTER,
                        etcd,
                        kafka,
                        repository,
                        spool,
                        Secrets.write(dir.resolve("api-token"), token, pgUser),
                        Secrets.write(dir.resolve("superuser.secret"), superuser, pgUser),
                        Secrets.write(dir.resolve("replication.secret"), replication, pgUser)))
                .properties(tls.backup(dir))
                .properties(tls.etcd(etcd, EtcdRoles.BACKUP, dir.resolve("etcd-tls")))
                .asPostgresUser();
        if (tls.on()) {
            builder.env("HOME", dir.toString()); // libpq and ~/.postgresql, as for the agents
        }
        QuarkusService backup = builder.start();
        services.put(BACKUP, backup);
        record(
                state,
                BACKUP,
                backup.process(),
                Signal.TERM,
                SERVICE_GRACE,
                backup.uri("").toString());
        writeState(state);
        out.println("backup-service ready: " + backup.uri("") + " (repository " + repository + ")");
        awaitFirstBackup(backup);
    }

    /** An agent's settings, without the repository under {@link #withoutRepository()}. */
    private Map<String, String> agentRepository(Map<String, String> agent) {
        return withoutRepository ? ServiceSettings.withoutRepository(agent) : agent;
    }

    /** Waits until backup-service lists a complete base backup, printing the backups' states as they change. */
    private void awaitFirstBackup(QuarkusService backup) {
        long started = System.nanoTime();
        String list = "/api/v1/clusters/" + CLUSTER + "/backups?all=true";
        String[] last = {""};
        Wait.until(
                FIRST_BACKUP_TIMEOUT,
                "the first base backup is complete (GET " + backup.uri(list) + "; see "
                        + home.resolve("logs").resolve(BACKUP + ".log") + ")",
                () -> {
                    HttpResponse<String> response = backup.get(list);
                    if (response.statusCode() != 200) {
                        return false;
                    }
                    List<JsonNode> backups = new ArrayList<>();
                    Json.read(response.body(), JsonNode.class, "backup-service's backup list")
                            .forEach(backups::add);
                    String states = backups.stream()
                            .map(b -> b.path("id").asText() + " "
                                    + b.path("state").asText())
                            .collect(Collectors.joining(", "));
                    if (!states.isEmpty() && !states.equals(last[0])) {
                        out.println("  base backups: " + states);
                        last[0] = states;
                    }
                    return backups.stream()
                            .anyMatch(b -> b.path("state").asText().equals("COMPLETE"));
                });
        out.printf(Locale.ROOT, "first base backup complete after %.1f s%n", (System.nanoTime() - started) / 1e9);
    }

    /** Waits until one agent leads and the others stream from it, printing each change of the picture. */
    private void awaitAgents(EtcdAccess etcd) {
        List<String> agents = new ArrayList<>(NODES);
        try (EtcdClusterStore store = EtcdClusterStore.connect(etcd, EtcdLayout.of(CLUSTER), Duration.ofSeconds(3))) {
            String[] last = {""};
            Every quarterSecond = new Every(Duration.ofMillis(250));
            HttpClient http = httpClient();
            try {
                Wait.until(
                        AGENTS_TIMEOUT,
                        "one primary and " + (NODES.size() - 1) + " streaming replicas (pgha/" + CLUSTER + " in etcd)",
                        () -> {
                            if (!quarterSecond.due()) {
                                return false;
                            }
                            List<MemberTable.Row> rows = rows(store.read(), http);
                            String summary = MemberTable.summary(rows, agents);
                            if (!summary.equals(last[0])) {
                                out.println("agents: " + summary);
                                last[0] = summary;
                            }
                            return MemberTable.healthy(rows, NODES.size());
                        },
                        () -> agents.stream().allMatch(a -> mine.get(a).isAlive()));
            } catch (IllegalStateException e) {
                if (last[0].contains("no leader key")) {
                    throw new IllegalStateException(
                            e.getMessage() + ". No member holds the leader key: the agents bootstrap a new"
                                    + " cluster themselves, but a cluster that exists in etcd already (an earlier"
                                    + " 'up' whose data was kept) gets its primary from a failover-coordinator"
                                    + " (see " + home.resolve("logs/coordinator-0.log") + "; './pgha down --purge'"
                                    + " starts afresh)",
                            e);
                }
                throw e;
            }
        }
    }

    /**
     * Waits until config-renderer has routed the cluster: a write through the read-write port, then
     * that write read back from a replica through the read-only port. HAProxy has no servers before the
     * failover-coordinators publish the cluster's topology on pgha.topology.
     */
    private void awaitRouting(QuarkusService renderer, String superuser) {
        out.println("routing: waiting for the cluster's topology on " + Topics.TOPOLOGY.name()
                + " (published by the failover-coordinators) and HAProxy's health checks");
        String rw = PostgresNode.jdbcUrl(Ports.LOOPBACK, ports.readWrite()) + "&password=" + superuser;
        String ro = PostgresNode.jdbcUrl(Ports.LOOPBACK, ports.readOnly()) + "&password=" + superuser;
        long deadline = System.nanoTime() + ROUTING_TIMEOUT.toNanos();
        String[] applied = {""};
        String[] writer = {null};
        try {
            Wait.until(ROUTING_TIMEOUT, "a write through :" + ports.readWrite(), () -> {
                reportRenderer(renderer, applied, false);
                try (Connection c = DriverManager.getConnection(rw);
                        Statement st = c.createStatement()) {
                    if (Boolean.TRUE.equals(value(st, "SELECT pg_is_in_recovery()"))) {
                        return false;
                    }
                    st.execute("CREATE TABLE IF NOT EXISTS pgha_up_check (at timestamptz)");
                    st.execute("INSERT INTO pgha_up_check VALUES (now())");
                    writer[0] = String.valueOf(value(st, "SELECT current_setting('cluster_name')"));
                    return true;
                }
            });
            reportRenderer(renderer, applied, true);
            out.println("routing: :" + ports.readWrite() + " -> " + writer[0] + " (primary, writable)");
            String[] reader = {null};
            Duration left = Duration.ofNanos(Math.max(
                    deadline - System.nanoTime(), Duration.ofSeconds(15).toNanos()));
            Wait.until(left, "the write read back from a replica through :" + ports.readOnly(), () -> {
                reportRenderer(renderer, applied, false); // its status may trail the reload that opened :5000
                try (Connection c = DriverManager.getConnection(ro);
                        Statement st = c.createStatement()) {
                    if (!Boolean.TRUE.equals(value(st, "SELECT pg_is_in_recovery()"))
                            || ((Number) value(st, "SELECT count(*) FROM pgha_up_check")).longValue() == 0) {
                        return false;
                    }
                    reader[0] = String.valueOf(value(st, "SELECT current_setting('cluster_name')"));
                    return true;
                }
            });
            out.println("routing: :" + ports.readOnly() + " -> " + reader[0] + " (replica, has the write)");
        } catch (IllegalStateException e) {
            if (applied[0].isEmpty()) {
                throw new IllegalStateException(
                        e.getMessage() + ". config-renderer has not applied any topology of cluster '" + CLUSTER
                                + "': HAProxy has no servers until a failover-coordinator publishes it on "
                                + Topics.TOPOLOGY.name() + " (see " + home.resolve("logs/coordinator-0.log") + ")",
                        e);
            }
            throw e;
        }
    }

    /** Prints a line when config-renderer has applied a new topology of the cluster. */
    private void reportRenderer(QuarkusService renderer, String[] applied, boolean now) {
        if (!now && !rendererPoll.due()) {
            return;
        }
        try {
            JsonNode status =
                    Json.MAPPER.readTree(renderer.get("/api/v1/haproxy").body());
            for (JsonNode cluster : status.path("clusters")) {
                if (!CLUSTER.equals(cluster.path("cluster").asText())) {
                    continue;
                }
                String version = cluster.path("version").asText();
                if (!version.equals(applied[0])) {
                    applied[0] = version;
                    List<String> members = new ArrayList<>();
                    cluster.path("members").forEach(m -> members.add(m.asText()));
                    out.println("routing: config-renderer applied epoch "
                            + cluster.path("epoch").asLong()
                            + " (leader " + cluster.path("leader").asText() + ", members "
                            + String.join(", ", members) + ")");
                }
            }
        } catch (Exception e) {
            // not answering yet: the wait goes on
        }
    }

    /** True at most once per period: polls inside a {@link Wait} (every 50 ms) that need not run that often. */
    private static final class Every {
        private final long periodNanos;
        private long next = System.nanoTime();

        Every(Duration period) {
            this.periodNanos = period.toNanos();
        }

        boolean due() {
            long now = System.nanoTime();
            if (now - next < 0) {
                return false;
            }
            next = now + periodNanos;
            return true;
        }
    }

    private static Object value(Statement st, String sql) throws SQLException {
        try (ResultSet rows = st.executeQuery(sql)) {
            return rows.next() ? rows.getObject(1) : null;
        }
    }

    /** Stops every recorded process (and, with {@code purge}, deletes the data); leaves no process. */
    public void down(boolean purge) {
        Properties state = readState();
        boolean any = false;
        for (String component : stopOrder(state)) {
            String pid = state.getProperty(component + ".pid");
            if (pid == null) {
                continue;
            }
            long id = Long.parseLong(pid);
            Signal signal = Signal.valueOf(state.getProperty(component + ".stop", "TERM"));
            Duration grace = Duration.ofSeconds(Long.parseLong(state.getProperty(component + ".grace", "20")));
            LocalProcess process = mine.remove(component);
            if (LocalProcess.groupAlive(id)) {
                any = true;
                out.println("stopping " + component + " (pid " + id + ")");
                if (process != null && process.pid() == id) {
                    process.stop(signal, grace);
                } else {
                    LocalProcess.stopGroup(id, signal, grace);
                }
            } else if (process != null) {
                process.stop(signal, grace);
            }
        }
        closeNetwork();
        closeDisks();
        try {
            Files.deleteIfExists(home.resolve(STATE_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!any) {
            out.println("pgha was not running.");
        }
        if (purge) {
            Workspace.deleteRecursively(home);
            out.println("deleted " + home + " (data, logs and secrets)");
        }
    }

    /** Unmounts the nodes' tmpfs disks (their processes have stopped), keeping each postgresql.log. */
    private void closeDisks() {
        disks.forEach((member, disk) -> {
            Path log = disk.dir().resolve("postgresql.log");
            try {
                if (Files.exists(log)) {
                    Path logs = Files.createDirectories(home.resolve("logs"));
                    Files.copy(log, logs.resolve(member + "-postgresql.log"), StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                out.println("could not keep " + log + ": " + e);
            }
            disk.close();
        });
        disks.clear();
    }

    /** Deletes the nodes' namespaces and their bridge (their processes have stopped). */
    private void closeNetwork() {
        namespaces.values().forEach(NetworkNamespace::close);
        namespaces.clear();
        if (bridge != null) {
            bridge.close();
            bridge = null;
        }
    }

    /**
     * The order to stop in: routing first, then the services that watch the cluster, then the agents
     * (the leader last, so that the replicas do not see it go), Kafka and etcd.
     */
    private List<String> stopOrder(Properties state) {
        List<String> agents = new ArrayList<>(NODES);
        java.util.Collections.reverse(agents);
        leaderWhileRunning(state).ifPresent(leader -> {
            if (agents.remove(leader)) {
                agents.add(leader);
            }
        });
        List<String> order = new ArrayList<>(
                List.of(PROMETHEUS, ALERT_SERVICE, ALERTMANAGER, BACKUP, RENDERER, PGBOUNCER, HAPROXY, MONITOR));
        List<String> coordinators = new ArrayList<>(COORDINATORS);
        java.util.Collections.reverse(coordinators);
        order.addAll(coordinators);
        order.addAll(agents);
        Set<String> known = new HashSet<>(order);
        known.addAll(List.of(KAFKA, ETCD));
        // anything else recorded (an older launcher's component) goes before Kafka and etcd
        state.stringPropertyNames().stream()
                .filter(key -> key.endsWith(".pid"))
                .map(key -> key.substring(0, key.length() - ".pid".length()))
                .filter(component -> !known.contains(component))
                .sorted()
                .forEach(order::add);
        order.add(KAFKA);
        order.add(ETCD);
        return order;
    }

    private Optional<String> leaderWhileRunning(Properties state) {
        String etcdPid = state.getProperty(ETCD + ".pid");
        if (etcdPid == null || !LocalProcess.groupAlive(Long.parseLong(etcdPid))) {
            return Optional.empty();
        }
        try (EtcdClusterStore store = EtcdClusterStore.connect(
                tlsOf(state).etcdAccess(etcdEndpoints(state)),
                EtcdLayout.of(state.getProperty("cluster", CLUSTER)),
                Duration.ofSeconds(2))) {
            return store.read().leader().map(l -> l.member());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * What etcd's role set is made for: this cluster's members, the restored clusters in {@code
     * restored} (cluster to its members), and the one config-renderer.
     */
    static EtcdRoles.Deployment etcdDeployment(Map<String, List<String>> restored) {
        Map<String, List<String>> members = new LinkedHashMap<>(restored);
        members.put(CLUSTER, NODES);
        return new EtcdRoles.Deployment(EtcdLayout.DEFAULT_NAMESPACE, members, List.of(ServiceSettings.RENDERER_NAME));
    }

    /** The TLS of the running cluster: this JVM's, or (another launcher's) as its state file records it. */
    private LocalTls tlsOf(Properties state) {
        return tls != null ? tls : LocalTls.in(home, !"on".equals(state.getProperty("etcd.tls")));
    }

    /**
     * The members as {@code ./pghactl list} shows them (pghactl's jar, run against this cluster's
     * coordinators), then every process and its address.
     */
    public void status() {
        Properties state = readState();
        if (state.isEmpty()) {
            out.println("pgha is not running (no " + home.resolve(STATE_FILE) + "). Start it with './pgha up'.");
            return;
        }
        out.print(members(state));
        out.println();
        out.printf("%-15s %-8s %-8s %s%n", "process", "pid", "state", "address");
        for (String component : startOrder()) {
            String pid = state.getProperty(component + ".pid");
            if (pid == null) {
                continue;
            }
            boolean alive = LocalProcess.groupAlive(Long.parseLong(pid));
            String address = state.getProperty(component + ".address", "");
            String postgres = state.getProperty(component + ".postgres");
            out.printf(
                    "%-15s %-8s %-8s %s%n",
                    component,
                    pid,
                    alive ? "running" : "stopped",
                    postgres == null ? address : address + " (PostgreSQL " + postgres + ")");
        }
    }

    private static List<String> startOrder() {
        List<String> order = new ArrayList<>(List.of(ETCD, ETCD + "-1", ETCD + "-2", KAFKA));
        order.addAll(NODES);
        order.addAll(COORDINATORS);
        order.addAll(List.of(MONITOR, HAPROXY, RENDERER, BACKUP, ALERTMANAGER, ALERT_SERVICE, PROMETHEUS));
        return order;
    }

    /**
     * {@code pghactl list CLUSTER} against the coordinators of {@code state} (pghactl's jar, {@value
     * #PGHACTL_JAR} under the checkout, built by {@code ./pghactl}): its table, or why there is none.
     */
    private String members(Properties state) {
        String cluster = state.getProperty("cluster", CLUSTER);
        List<String> coordinators = new ArrayList<>();
        for (String name : COORDINATORS) {
            String address = state.getProperty(name + ".address");
            if (address != null) {
                coordinators.add(address);
            }
        }
        Path jar;
        try {
            jar = QuarkusService.projectRoot().resolve(PGHACTL_JAR);
        } catch (IllegalStateException e) {
            return "members: " + e.getMessage() + "\n";
        }
        if (!Files.isRegularFile(jar)) {
            return "members: " + jar + " is not built yet: run ./pghactl once (it builds itself), then ./pgha status\n";
        }
        if (coordinators.isEmpty()) {
            return "members: no coordinator address in " + home.resolve(STATE_FILE) + "\n";
        }
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Dpghactl.local=" + home.toAbsolutePath(),
                "-jar",
                jar.toString(),
                "list",
                "-k",
                String.join(",", coordinators),
                cluster);
        Commands.Result result = Commands.run(command, Duration.ofSeconds(30));
        return result.ok()
                ? result.output()
                : "members: ./pghactl list " + cluster + " failed (exit " + result.exitCode() + "): " + result.output()
                        + (result.output().endsWith("\n") ? "" : "\n");
    }

    /** The member rows of {@code snapshot}, with each running replica's WAL receiver state from its agent. */
    private List<MemberTable.Row> rows(ClusterSnapshot snapshot, HttpClient http) {
        Map<String, String> receivers = new HashMap<>();
        for (MemberEntry member : snapshot.members().values()) {
            if (member.status() == null || member.status().apiUrl() == null) {
                continue;
            }
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(URI.create(member.status().apiUrl()))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                JsonNode body = Json.MAPPER.readTree(response.body());
                boolean leader = snapshot.leader()
                        .filter(l -> l.member().equals(member.name()))
                        .isPresent();
                if (!leader && body.hasNonNull("replication_state")) {
                    receivers.put(member.name(), body.get("replication_state").asText());
                }
            } catch (IOException e) {
                // agent not answering: the member key's state is shown
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return MemberTable.rows(snapshot.leader(), snapshot.members(), receivers);
    }

    private void printEndpoints() {
        String passfile = "PGPASSFILE=" + home.resolve("pgpass") + " "
                + LocalTls.psqlEnvironment(tls == null ? Optional.empty() : tls.caCert());
        passfile = passfile.strip();
        String bearer = "-H \"Authorization: Bearer $(cat " + home.resolve(TOKEN_FILE) + ")\"";
        out.println();
        out.println("pgha is up: cluster '" + CLUSTER + "' (3 PostgreSQL nodes with their node-agents, "
                + COORDINATORS.size() + " failover-coordinators, a health-monitor, config-renderer + HAProxy,"
                + " backup-service, alert-service, Alertmanager and Prometheus).");
        out.println();
        out.println(
                tls != null && tls.on()
                        ? "TLS: CA certificate " + tls.caCert().get() + "; certificates and keys (mode 600) in "
                                + tls.dir().get() + " (./pgha up --insecure runs plaintext)"
                        : "TLS: off (--insecure): every connection is plaintext on 127.0.0.1");
        out.println();
        out.println("PostgreSQL (superuser postgres; its password is in " + home.resolve(SUPERUSER_PASSWORD_FILE)
                + ", and in the passfile below"
                + (tls != null && tls.on() ? "; the members accept TLS only, verified against the CA" : "")
                + "):");
        out.println("  read-write (primary):    " + passfile + " psql -h 127.0.0.1 -p " + ports.readWrite()
                + " -U postgres");
        out.println("  read-only (replicas):    " + passfile + " psql -h 127.0.0.1 -p " + ports.readOnly()
                + " -U postgres");
        out.println("  pooled read-write (PgBouncer, transaction pooling; any role but superusers):");
        out.println("                           psql -h 127.0.0.1 -p " + ports.pooler() + " -U <role> postgres");
        out.println("  pooled read-only:        psql -h 127.0.0.1 -p " + ports.pooler() + " -U <role> postgres_ro");
        for (int i = 0; i < NODES.size(); i++) {
            out.printf(
                    "  %-24s %s psql -h 127.0.0.1 -p %d -U postgres%n",
                    NODES.get(i) + ":", passfile, ports.postgres(i));
        }
        out.println();
        out.println(
                tls.on()
                        ? "REST (https only, certificates of the CA above; curl --cacert "
                                + tls.caCert().get() + ", ./pghactl trusts it by itself):"
                        : "REST:");
        for (int i = 0; i < NODES.size(); i++) {
            out.printf("  %-24s %s/patroni%n", "node-agent " + NODES.get(i) + ":", restUrl(ports.agent(i)));
        }
        for (int i = 0; i < COORDINATORS.size(); i++) {
            out.printf(
                    "  %-24s %s/api/v1/clusters%n",
                    "failover-" + COORDINATORS.get(i) + ":", restUrl(ports.coordinator(i)));
        }
        out.printf(
                "  %-24s %s/  (live in a browser%s; the CLI: ./pghactl list)%n",
                "status page:",
                restUrl(ports.coordinator(0)),
                tls.on() ? ", which must trust " + tls.caCert().get() : "");
        out.printf("  %-24s %s/api/v1/clusters%n", "health-monitor:", restUrl(ports.monitor()));
        out.printf("  %-24s %s/api/v1/haproxy%n", "config-renderer:", restUrl(ports.renderer()));
        out.printf("  %-24s http://127.0.0.1:%d/stats%n", "HAProxy stats:", ports.haproxyStats());
        out.printf(
                "  %-24s %s/api/v1/clusters/%s/backups  (and /status; OpenAPI at /q/openapi)%n",
                "backup-service:", restUrl(ports.backup()), CLUSTER);
        out.printf("  %-24s %s/q/health%n", "alert-service:", restUrl(ports.alertService()));
        out.println("  API token (mutating calls, e.g. curl -X POST " + bearer + " ...):");
        out.println(
                "                           " + readToken() + "  (kept in " + home.resolve(TOKEN_FILE) + ", mode 600)");
        out.println();
        out.println("Backups: WAL archive and base backups in " + home.resolve(REPOSITORY) + ". A base backup now:");
        out.println("  curl -s" + tls.caCert().map(ca -> " --cacert " + ca).orElse("") + " -X POST " + bearer + " "
                + restUrl(ports.backup()) + "/api/v1/clusters/" + CLUSTER + "/backups");
        out.println("Point-in-time restore into a new cluster next to this one (PostgreSQL on :"
                + ports.restoredPostgres() + "):");
        out.println("  ./pgha restore --time \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\"   (or --lsn, --xid, --name, --latest)");
        out.println();
        out.println("Monitoring (deploy/monitoring; Grafana dashboard: deploy/monitoring/grafana/pgha-cluster.json):");
        out.printf(
                "  %-24s %s  (targets: /targets, alerts of the shipped rules: /alerts)%n",
                "Prometheus:", LocalMonitoring.url(ports.prometheus()));
        out.printf(
                "  %-24s %s  (alerts of alert-service and Prometheus, silences)%n",
                "Alertmanager:", LocalMonitoring.url(ports.alertmanager()));
        out.println();
        out.println("etcd:                      " + etcdEndpoint() + "  (keys under /pgha/" + CLUSTER + "/)");
        tls.dir()
                .ifPresent(dir -> out.println("  with a client certificate: etcdctl --cacert " + dir.resolve("ca.crt")
                        + " --cert " + dir.resolve(LocalTls.LAUNCHER + ".crt") + " --key "
                        + dir.resolve(LocalTls.LAUNCHER + ".key") + " --endpoints " + etcdEndpoint()
                        + " get --prefix /pgha/" + CLUSTER + "/"));
        out.println("Kafka bootstrap:           " + Ports.LOOPBACK + ":" + ports.kafka()
                + (kafkaBroker != null && kafkaBroker.secured()
                        ? "  (SASL_SSL, SCRAM-SHA-512: a user per service, ACLs of events/KafkaAcls; passwords" + " in "
                                + home.resolve("kafka/secrets") + ", mode 600)"
                        : ""));
        out.println("  topics: " + Topics.ALL.stream().map(Topic::name).collect(Collectors.joining(", "))
                + " (dead letters: <topic>.dlq)");
        out.println("Logs:                      " + home.resolve("logs") + "  (PostgreSQL: "
                + home.resolve("nodes/<member>/postgresql.log") + ")");
        out.println();
        out.println(
                "'./pgha status' shows the members; './pgha down' stops everything ('--purge' also deletes the data).");
    }

    /** {@code http(s)://127.0.0.1:<port>}: a service's REST base URL, https while TLS is on. */
    private String restUrl(int port) {
        return tls.scheme() + "://" + Ports.LOOPBACK + ":" + port;
    }

    private String readToken() {
        return Secrets.loadOrCreate(home.resolve(TOKEN_FILE));
    }

    /** Every etcd member's endpoint as recorded (an older state file has only the first). */
    private List<String> etcdEndpoints(Properties state) {
        String all = state.getProperty("etcd.endpoints");
        return all == null || all.isBlank()
                ? List.of(state.getProperty("etcd.endpoint", etcdEndpoint()))
                : List.of(all.split(","));
    }

    private String etcdEndpoint() {
        return (tls != null && tls.on() ? "https://" : "http://") + Ports.LOOPBACK + ":" + ports.etcdClient();
    }

    private void record(
            Properties state, String component, LocalProcess process, Signal stop, Duration grace, String address) {
        mine.put(component, process);
        state.setProperty(component + ".pid", Long.toString(process.pid()));
        state.setProperty(component + ".stop", stop.name());
        state.setProperty(component + ".grace", Long.toString(grace.toSeconds()));
        state.setProperty(component + ".address", address);
        writeState(state);
    }

    /** Kills the processes that were started but never handed over (their launcher failed first). */
    private void stopUnrecorded(List<StartedProcesses.Started> started, Properties recorded) {
        for (StartedProcesses.Started process : started) {
            boolean known = recorded.stringPropertyNames().stream()
                    .filter(key -> key.endsWith(".pid"))
                    .anyMatch(key -> recorded.getProperty(key).equals(Long.toString(process.pid())));
            if (!known && LocalProcess.groupAlive(process.pid())) {
                out.println("stopping " + process.name() + " (pid " + process.pid() + ", failed to start)");
                LocalProcess.stopGroup(process.pid(), Signal.KILL, Duration.ofSeconds(10));
            }
        }
    }

    private boolean anyAlive(Properties state) {
        return state.stringPropertyNames().stream()
                .filter(key -> key.endsWith(".pid"))
                .anyMatch(key -> LocalProcess.groupAlive(Long.parseLong(state.getProperty(key))));
    }

    private Properties readState() {
        Properties state = new Properties();
        Path file = home.resolve(STATE_FILE);
        if (Files.exists(file)) {
            try (Reader reader = Files.newBufferedReader(file)) {
                state.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("could not read " + file, e);
            }
        }
        return state;
    }

    private void writeState(Properties state) {
        try {
            Files.createDirectories(home);
            Path temp = home.resolve(STATE_FILE + ".tmp");
            try (Writer writer = Files.newBufferedWriter(temp)) {
                state.store(writer, "processes started by ./pgha up");
            }
            Files.move(
                    temp,
                    home.resolve(STATE_FILE),
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + home.resolve(STATE_FILE), e);
        }
    }
}
