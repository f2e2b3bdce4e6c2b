package io.pgha.local;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * JUnit 5 extension that hands real components to integration tests and always stops them.
 *
 * <pre>{@code
 * @RegisterExtension static final LocalInfra infra = LocalInfra.perClass(); // shared by the class
 * @RegisterExtension final LocalInfra infra = LocalInfra.perTest();         // new for each test
 * }</pre>
 *
 * Everything started through it is stopped after the test (or class) in reverse order, whether the
 * test passed or not; when a test failed, the tail of every component's log is printed first. A JVM
 * shutdown hook ({@link ProcessRegistry}) covers runs that are killed.
 */
public final class LocalInfra implements AfterEachCallback, AfterAllCallback, TestWatcher {
    private static final int LOG_LINES_ON_FAILURE = 60;

    private final boolean perTest;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private Workspace workspace;
    private boolean failed;

    private LocalInfra(boolean perTest) {
        this.perTest = perTest;
    }

    /** Components live for the whole test class (register in a static field). */
    public static LocalInfra perClass() {
        return new LocalInfra(false);
    }

    /** Components live for one test (register in an instance field). */
    public static LocalInfra perTest() {
        return new LocalInfra(true);
    }

    /** The temp folder of this test (class). */
    public synchronized Workspace workspace() {
        if (workspace == null) {
            workspace = Workspace.temporary("it");
        }
        return workspace;
    }

    /** An etcd cluster of {@code members} members, healthy. */
    public EtcdCluster etcd(int members) {
        return track(EtcdCluster.start(workspace(), members));
    }

    /** An etcd cluster of {@code members} members serving TLS with client-certificate auth ({@link EtcdCluster#startTls}). */
    public EtcdCluster etcdTls(int members, Certificates authority) {
        return track(EtcdCluster.startTls(workspace(), members, authority));
    }

    /** An etcd cluster whose members also listen on {@code namespace}'s host address. */
    public EtcdCluster etcd(int members, NetworkNamespace namespace) {
        return track(EtcdCluster.start(workspace(), members, List.of(namespace.hostAddress())));
    }

    /** A Kafka broker (KRaft), serving. */
    public KafkaBroker kafka() {
        return track(KafkaBroker.start(workspace()));
    }

    /** A Kafka broker (KRaft) in secured mode (SASL_SSL, ACLs), certificates from a CA in the workspace. */
    public KafkaBroker securedKafka() {
        return track(KafkaBroker.startSecured(
                workspace(), Certificates.authorityIn(workspace().dir("tls"))));
    }

    /** An S3-compatible server (s3proxy on the filesystem) in its own JVM, answering. */
    public S3Server s3() {
        return track(S3Server.start(workspace()));
    }

    /** A PostgreSQL primary on 127.0.0.1, accepting connections. */
    public PostgresNode postgres(String name) {
        return postgres(PostgresNode.Placement.loopback(name));
    }

    /** A PostgreSQL primary placed as given (say, in a network namespace). */
    public PostgresNode postgres(PostgresNode.Placement placement) {
        return track(PostgresNode.primary(workspace(), placement));
    }

    /** A streaming replica of {@code primary} on 127.0.0.1. */
    public PostgresNode replica(String name, PostgresNode primary) {
        return track(PostgresNode.replica(workspace(), PostgresNode.Placement.loopback(name), primary));
    }

    /** HAProxy in master-worker mode with {@code config}. */
    public Haproxy haproxy(String config) {
        return track(Haproxy.start(workspace(), config));
    }

    /** A PgBouncer on {@code port} running {@code ini}, stopped after the test. */
    public PgBouncer pgbouncer(String ini, int port, PgBouncer.AdminLogin admin) {
        return track(PgBouncer.start(workspace(), ini, port, admin));
    }

    /** Alertmanager with {@code config} (checked by amtool), 127.0.0.1 only, no gossip, ready. */
    public Alertmanager alertmanager(String config) {
        return track(Alertmanager.start(workspace(), config));
    }

    /** Prometheus running {@code config} with {@code ruleFiles} (copied beside it into {@code rules/}), ready. */
    public Prometheus prometheus(String config, List<Path> ruleFiles) {
        return track(Prometheus.start(workspace(), config, ruleFiles));
    }

    /** A built pgha service, ready. */
    public QuarkusService service(String name, Path jar, Map<String, String> properties) {
        return track(QuarkusService.start(workspace(), name, jar, properties));
    }

    /** A network namespace joined by a veth pair (needs root). */
    public NetworkNamespace networkNamespace() {
        return track(NetworkNamespace.create());
    }

    /** Stops {@code resource} with the others, after the test. */
    public synchronized <T extends AutoCloseable> T track(T resource) {
        started.push(resource);
        return resource;
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        failed = true;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (context.getExecutionException().isPresent()) {
            failed = true;
        }
        if (perTest) {
            shutDown(context);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getExecutionException().isPresent()) {
            failed = true;
        }
        shutDown(context);
    }

    /** Stops everything now (tests of local/ itself call this to check that nothing is left). */
    public synchronized void shutDown(ExtensionContext context) {
        if (failed && workspace != null) {
            printLogs(context.getDisplayName());
        }
        List<Exception> errors = new ArrayList<>();
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                errors.add(e);
            }
        }
        if (workspace != null) {
            try {
                workspace.close();
            } catch (RuntimeException e) {
                errors.add(e);
            }
            workspace = null;
        }
        failed = false;
        if (!errors.isEmpty()) {
            IllegalStateException error = new IllegalStateException("stopping local components failed");
            errors.forEach(error::addSuppressed);
            throw error;
        }
    }

    private void printLogs(String test) {
        Path logDir = workspace.root().resolve("logs");
        Optional<List<Path>> files = Optional.empty();
        try (var stream = java.nio.file.Files.list(logDir)) {
            files = Optional.of(stream.sorted().toList());
        } catch (java.io.IOException e) {
            System.err.println("(no component logs in " + logDir + ")");
        }
        files.ifPresent(list -> list.forEach(file -> System.err.println("\n===== " + test + ": last "
                + LOG_LINES_ON_FAILURE + " lines of " + file.getFileName() + " =====\n"
                + LocalProcess.tail(file, LOG_LINES_ON_FAILURE))));
    }
}
