package io.pgha.coordinator.it;

import io.pgha.local.AgentNodes.Node;
import io.pgha.local.Commands;
import io.pgha.local.LocalProcess;
import io.pgha.local.Signal;
import io.pgha.local.Wait;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * What the coordinator's failover ITs do to a node and check afterwards, over real agents and
 * PostgreSQL: kill or freeze a node (agent and PostgreSQL), a writer that records every acknowledged
 * id, the new writable primary, the acknowledged ids missing on it, and a watch of which members
 * acknowledge commits (never two at once).
 */
final class NodeFaults {
    private NodeFaults() {}

    /** SIGKILL of the agent and of its postmaster (node loss); returns once both are gone. */
    static void killAgentAndPostmaster(Node node) throws Exception {
        long postmaster = node.postmasterPid();
        node.agent().process().signal(Signal.KILL);
        signal(postmaster, Signal.KILL);
        Wait.until(
                Duration.ofSeconds(10),
                node.name() + " gone",
                () -> !node.agent().process().isAlive() && !LocalProcess.isAlive(postmaster));
    }

    /**
     * SIGSTOP of the agent, the postmaster and every child of it (backends, walsenders: a postmaster
     * frozen alone would let them acknowledge on); returns the PostgreSQL processes, for {@link #thaw}.
     */
    static List<Long> freeze(Node node) throws Exception {
        List<Long> pids = postgresProcesses(node);
        node.agent().process().signal(Signal.STOP);
        pids.forEach(pid -> signal(pid, Signal.STOP));
        return pids;
    }

    /** SIGCONT of what {@link #freeze} stopped. */
    static void thaw(Node node, List<Long> pids) {
        pids.forEach(pid -> signal(pid, Signal.CONT));
        node.agent().process().signal(Signal.CONT);
    }

    /** The postmaster of {@code node} and its children. */
    private static List<Long> postgresProcesses(Node node) throws Exception {
        long postmaster = node.postmasterPid();
        List<Long> pids = new ArrayList<>(List.of(postmaster));
        Commands.Result children =
                Commands.run(List.of("ps", "-o", "pid=", "--ppid", Long.toString(postmaster)), Duration.ofSeconds(5));
        for (String line : children.output().split("\n")) {
            if (!line.isBlank()) {
                pids.add(Long.parseLong(line.strip()));
            }
        }
        return pids;
    }

    private static void signal(long pid, Signal signal) {
        Commands.run(List.of("kill", "-s", signal.name(), Long.toString(pid)), Duration.ofSeconds(5));
    }

    /** The first member other than {@code old} that acknowledges a commit within {@code timeout}. */
    static Node awaitWritablePrimaryOtherThan(List<Node> nodes, Node old, Duration timeout) {
        Node[] found = new Node[1];
        Wait.until(timeout, "a writable primary other than " + old.name(), () -> {
            for (Node n : nodes) {
                if (n != old
                        && acknowledges(
                                n,
                                "CREATE TABLE IF NOT EXISTS probe_after (at timestamptz);"
                                        + " INSERT INTO probe_after VALUES (now())")) {
                    found[0] = n;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** The acknowledged ids of {@code table} missing on {@code node}. */
    static List<Integer> missingOn(Node node, String table, ConcurrentSkipListSet<Integer> acknowledged)
            throws Exception {
        List<Integer> missing = new ArrayList<>();
        for (int id : acknowledged) {
            if (!Boolean.TRUE.equals(node.query("SELECT EXISTS (SELECT 1 FROM " + table + " WHERE id = " + id + ")"))) {
                missing.add(id);
            }
        }
        return missing;
    }

    /** Inserts ids one by one into {@code acked} on {@code primary}; records each whose commit returned. */
    static Thread writer(Node primary, ConcurrentSkipListSet<Integer> acknowledged, AtomicBoolean stop) {
        Thread writer = new Thread(
                () -> {
                    int id = 0;
                    while (!stop.get()) {
                        try (Connection c = DriverManager.getConnection(
                                        primary.jdbcUrl() + "&socketTimeout=5&connectTimeout=2");
                                PreparedStatement insert = c.prepareStatement("INSERT INTO acked VALUES (?)")) {
                            while (!stop.get()) {
                                insert.setInt(1, ++id);
                                insert.executeUpdate();
                                acknowledged.add(id);
                            }
                        } catch (Exception e) {
                            // not acknowledged: the next attempt uses a new id
                        }
                    }
                },
                "writer");
        writer.start();
        return writer;
    }

    /** Whether {@code node} acknowledged {@code sql} (autocommit, synchronous_commit on) within 2 s. */
    private static boolean acknowledges(Node node, String sql) {
        try (Connection c = DriverManager.getConnection(node.jdbcUrl() + "&socketTimeout=2&connectTimeout=1");
                Statement st = c.createStatement()) {
            st.execute(sql);
            return true;
        } catch (Exception e) {
            return false; // read-only, down, frozen or waiting for a standby: no acknowledgement
        }
    }

    /**
     * Every member is asked to commit a row into {@code probe} every 100 ms, each on its own thread; the
     * acknowledgements are kept in the order they arrived. {@link #members()} is the sequence of members
     * that acknowledged, with repeats collapsed: two writable members at once show as a member that
     * comes back (a, b, a) or as more than one change.
     */
    static final class WritableWatch implements AutoCloseable {
        private record Ack(long nanos, String member) {}

        private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();

        WritableWatch(List<Node> nodes) {
            for (Node n : nodes) {
                Thread t = new Thread(
                        () -> {
                            while (!stop.get()) {
                                long started = System.nanoTime();
                                if (acknowledges(n, "INSERT INTO probe VALUES ('" + n.name() + "', now())")) {
                                    acks.add(new Ack(System.nanoTime(), n.name()));
                                }
                                long left = TimeUnit.MILLISECONDS.toNanos(100) - (System.nanoTime() - started);
                                if (left > 0) {
                                    LockSupport.parkNanos(left);
                                }
                            }
                        },
                        "writable-" + n.name());
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
        }

        /** The members in the order they acknowledged probes, repeats collapsed. */
        List<String> members() {
            List<Ack> sorted = new ArrayList<>(acks);
            sorted.sort(java.util.Comparator.comparingLong(Ack::nanos));
            List<String> members = new ArrayList<>();
            for (Ack a : sorted) {
                if (members.isEmpty() || !members.get(members.size() - 1).equals(a.member())) {
                    members.add(a.member());
                }
            }
            return members;
        }

        /** Waits until {@code member} acknowledged a probe (its thread asks every 100 ms). */
        void awaitAckFrom(String member, Duration timeout) {
            Wait.until(timeout, member + " acknowledging a probe", () -> acks.stream()
                    .anyMatch(a -> a.member().equals(member)));
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join(10_000);
            }
        }
    }
}
