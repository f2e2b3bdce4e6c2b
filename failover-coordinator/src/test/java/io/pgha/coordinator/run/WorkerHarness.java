package io.pgha.coordinator.run;

import io.pgha.coordinator.agent.AgentReport;
import io.pgha.coordinator.agent.Agents;
import io.pgha.coordinator.config.CoordinatorConfig;
import io.pgha.coordinator.etcd.InMemoryCoordinatorStore;
import io.pgha.core.MemberStatus;
import io.pgha.events.Lsn;
import io.pgha.events.PghaEvent;
import io.pgha.local.Wait;
import io.pgha.messaging.EventPublisher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * A {@link ClusterWorker} over in-memory etcd, agents and Kafka, with a clock the test moves: cluster
 * {@code c}, bootstrapped, whose members the test adds.
 */
final class WorkerHarness {
    static final String CLUSTER = "c";

    /** The coordinator's settings, each one chosen by the test. */
    record Settings(
            Duration promoteTimeout,
            Duration switchoverTimeout,
            Duration syncSettle,
            Duration topologyRepublish,
            Duration tick,
            java.util.List<String> routers)
            implements CoordinatorConfig.Coordinator {
        static Settings defaults() {
            return new Settings(
                    Duration.ofSeconds(15),
                    Duration.ofSeconds(60),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(30),
                    Duration.ofMillis(50),
                    java.util.List.of("r0", "r1"));
        }

        Settings promoteTimeout(Duration d) {
            return new Settings(d, switchoverTimeout, syncSettle, topologyRepublish, tick, routers);
        }

        /** The routers declared for the asynchronous fast failover (none: it keeps the lease path). */
        Settings routers(java.util.List<String> declared) {
            return new Settings(promoteTimeout, switchoverTimeout, syncSettle, topologyRepublish, tick, declared);
        }

        @Override
        public Optional<String> name() {
            return Optional.of("test");
        }

        @Override
        public Duration electionTtl() {
            return Duration.ofSeconds(5);
        }

        @Override
        public Duration agentTimeout() {
            return Duration.ofSeconds(2);
        }

        @Override
        public Duration routingTimeout() {
            return Duration.ofSeconds(5);
        }

        @Override
        public Duration poolPauseTimeout() {
            return Duration.ofSeconds(5);
        }

        @Override
        public Duration coldStartWait() {
            return Duration.ofSeconds(30);
        }

        @Override
        public Duration healthViewMaxAge() {
            return Duration.ofSeconds(15);
        }

        @Override
        public Duration fastFailoverTimeout() {
            return Duration.ofSeconds(2);
        }

        @Override
        public Duration fastFailoverSuspectAfter() {
            return Duration.ofMillis(500);
        }

        @Override
        public Optional<java.util.List<String>> fastFailoverRouters() {
            return routers.isEmpty() ? Optional.empty() : Optional.of(routers);
        }
    }

    /** Kafka in memory: every event offered, and whether the broker acknowledged it. */
    static final class Events implements EventPublisher {
        final List<PghaEvent> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<PghaEvent> offered = java.util.Collections.synchronizedList(new ArrayList<>());
        volatile Predicate<PghaEvent> fails = e -> false;

        @Override
        public CompletionStage<Void> publish(PghaEvent event) {
            offered.add(event);
            if (fails.test(event)) {
                return CompletableFuture.failedFuture(new IllegalStateException("broker unavailable"));
            }
            acknowledged.add(event);
            return CompletableFuture.completedFuture(null);
        }

        <T extends PghaEvent> List<T> acknowledged(Class<T> type) {
            synchronized (acknowledged) {
                return acknowledged.stream()
                        .filter(type::isInstance)
                        .map(type::cast)
                        .toList();
            }
        }

        <T extends PghaEvent> List<T> offered(Class<T> type) {
            synchronized (offered) {
                return offered.stream().filter(type::isInstance).map(type::cast).toList();
            }
        }
    }

    /** Agents in memory: each member's {@code /patroni} answer by its api_url. */
    static final class FakeAgents implements Agents {
        final Map<String, AgentReport> reports = new ConcurrentHashMap<>();
        /** Runs on every fetch: a test moves the clock here to model an answer that takes time (a timeout). */
        volatile Runnable onFetch = () -> {};

        @Override
        public CompletableFuture<AgentReport> fetch(String apiUrl) {
            onFetch.run();
            return CompletableFuture.completedFuture(
                    reports.getOrDefault(apiUrl, AgentReport.unanswered("connection refused")));
        }
    }

    final InMemoryCoordinatorStore store = new InMemoryCoordinatorStore();
    final FakeAgents agents = new FakeAgents();
    final Events events = new Events();
    final HealthView health = new HealthView();
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    /** How far the worker's monotonic clock moves on each read (0: only when a test moves it). */
    final AtomicLong tickPerRead = new AtomicLong();

    final Clock clock = Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC);
    final long lease;
    Settings settings = Settings.defaults();

    WorkerHarness() {
        lease = store.grantLease(Duration.ofSeconds(5));
        store.put(CLUSTER, "initialize", "7000000000000000001", 0);
        store.put(CLUSTER, "config", "{}", 0);
    }

    ClusterWorker worker() {
        return new ClusterWorker(
                CLUSTER,
                "coordinator-1",
                store,
                agents,
                health,
                events,
                settings,
                () -> lease,
                clock,
                () -> nanos.addAndGet(tickPerRead.get()));
    }

    /** A running replica that streams at {@code lsn}, answering on its agent, bound to a lease of its own. */
    long replica(String name, String lsn) {
        long memberLease = store.grantLease(Duration.ofSeconds(10));
        store.putMember(CLUSTER, status(name, "replica", lsn), name, memberLease);
        agents.reports.put(apiUrl(name), report("replica", lsn));
        return memberLease;
    }

    /** A running primary at {@code lsn} holding the leader key. */
    long primary(String name, String lsn) {
        long memberLease = store.grantLease(Duration.ofSeconds(10));
        store.putMember(CLUSTER, status(name, "primary", lsn), name, memberLease);
        agents.reports.put(apiUrl(name), report("primary", lsn));
        store.put(CLUSTER, "leader", name, memberLease);
        return memberLease;
    }

    /** The primary's agent reports {@code standbyNames} applied at {@code lsn} (a new report: a new revision). */
    void primaryApplied(String name, String standbyNames, String lsn) {
        long memberLease = store.read(CLUSTER).member(name).orElseThrow().lease();
        MemberStatus s = status(name, "primary", lsn);
        store.putMember(
                CLUSTER,
                new MemberStatus(
                        s.connUrl(),
                        s.apiUrl(),
                        s.role(),
                        s.state(),
                        s.timeline(),
                        s.xlogLocation(),
                        s.receiveLsn(),
                        s.replayLsn(),
                        s.tags(),
                        standbyNames,
                        s.version()),
                name,
                memberLease);
    }

    /** What {@code name}'s agent publishes once it runs as {@code role}. */
    void runsAs(String name, String role, String lsn) {
        long memberLease = store.read(CLUSTER).member(name).orElseThrow().lease();
        store.putMember(CLUSTER, status(name, role, lsn), name, memberLease);
        agents.reports.put(apiUrl(name), report(role, lsn));
    }

    static MemberStatus status(String name, String role, String lsn) {
        boolean primary = role.equals("primary");
        return new MemberStatus(
                "postgres://127.0.0.1:5432/postgres",
                apiUrl(name),
                MemberStatus.Role.of(role),
                "running",
                primary ? 2 : 1,
                primary ? io.pgha.events.Lsn.parseNullable(lsn) : null,
                primary ? null : io.pgha.events.Lsn.parseNullable(lsn),
                primary ? null : io.pgha.events.Lsn.parseNullable(lsn),
                Map.of(),
                null,
                "test");
    }

    static String apiUrl(String name) {
        return "http://" + name + "/patroni";
    }

    static AgentReport report(String role, String lsn) {
        Lsn position = Lsn.parse(lsn);
        boolean primary = role.equals("primary");
        return new AgentReport(
                true,
                null,
                "running",
                role,
                !primary,
                primary ? null : position,
                primary ? null : position,
                primary ? position : null,
                primary ? 2 : 1,
                Map.of());
    }

    /** Waits (up to {@code seconds}) until {@code condition} holds; fails naming {@code what} otherwise. */
    static void await(String what, int seconds, BooleanSupplier condition) {
        Wait.until(Duration.ofSeconds(seconds), what, condition::getAsBoolean);
    }
}
