package io.pgha.local.cli;

import io.pgha.local.Ports;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The ports of the local cluster. Clients find the primary on {@code readWrite} (5000) and the
 * replicas on {@code readOnly} (5001), and PgBouncer's pools on {@code pooler} (6432: database
 * {@code postgres} read-write, {@code postgres_ro} read-only); the rest are chosen to stay clear of a PostgreSQL, etcd or
 * Kafka that may already run on the machine. Nodes, agents and coordinators use runs of consecutive
 * ports starting at {@code firstPostgres}, {@code firstAgent} and {@code firstCoordinator}. Prometheus
 * and Alertmanager keep their usual ports (9090, 9093), alert-service its default one (8094).
 */
public record LocalPorts(
        int readWrite,
        int readOnly,
        int haproxyStats,
        int etcdClient,
        int etcdPeer,
        int kafka,
        int kafkaController,
        int firstPostgres,
        int firstAgent,
        int firstCoordinator,
        int monitor,
        int renderer,
        int backup,
        int alertService,
        int prometheus,
        int alertmanager,
        int pooler) {

    /** PostgreSQL nodes, each with its node-agent. */
    public static final int NODES = 3;

    /** failover-coordinator instances. */
    public static final int COORDINATORS = 2;

    /** The ports {@code ./pgha up} uses. */
    public static LocalPorts defaults() {
        return new LocalPorts(
                5000, 5001, 7000, 23790, 23800, 29092, 29093, 15432, 8008, 8020, 8091, 8092, 8093, 8094, 9090, 9093,
                6432);
    }

    /**
     * Ports that are free on 127.0.0.1 right now, all different (tests, so that they never meet a
     * running {@code ./pgha up}).
     */
    public static LocalPorts free() {
        Set<Integer> taken = new HashSet<>();
        return new LocalPorts(
                freeRun(1, taken),
                freeRun(1, taken),
                freeRun(1, taken),
                freeRun(1, taken),
                freeRun(1, taken),
                freeRun(1, taken),
                freeRun(1, taken),
                freeRun(NODES + 1, taken),
                freeRun(NODES + 1, taken),
                freeRun(COORDINATORS, taken),
                freeRun(1, taken),
                freeRun(1, taken),
                freeRun(1, taken),
                freeRun(1, taken),
                freeRun(1, taken),
                freeRun(1, taken),
                freeRun(1, taken));
    }

    /** PostgreSQL node {@code index}'s port. */
    public int postgres(int index) {
        return firstPostgres + index;
    }

    /** The REST port of node {@code index}'s agent. */
    public int agent(int index) {
        return firstAgent + index;
    }

    /** PostgreSQL of the cluster that {@code ./pgha restore} bootstraps from the repository (after the nodes'). */
    public int restoredPostgres() {
        return firstPostgres + NODES;
    }

    /** The REST port of that cluster's agent (after the nodes' agents). */
    public int restoredAgent() {
        return firstAgent + NODES;
    }

    /** The REST port of coordinator {@code index}. */
    public int coordinator(int index) {
        return firstCoordinator + index;
    }

    /** Every port, by what it is for. */
    public Map<String, Integer> all() {
        Map<String, Integer> all = new LinkedHashMap<>();
        all.put("HAProxy read-write", readWrite);
        all.put("HAProxy read-only", readOnly);
        all.put("HAProxy stats", haproxyStats);
        all.put("PgBouncer (pooled read-write and read-only)", pooler);
        all.put("etcd client", etcdClient);
        all.put("etcd peer", etcdPeer);
        all.put("Kafka", kafka);
        all.put("Kafka controller", kafkaController);
        for (int i = 0; i < NODES; i++) {
            all.put("PostgreSQL pg-" + i, postgres(i));
            all.put("node-agent pg-" + i + " REST", agent(i));
        }
        for (int i = 0; i < COORDINATORS; i++) {
            all.put("failover-coordinator-" + i + " REST", coordinator(i));
        }
        all.put("health-monitor REST", monitor);
        all.put("config-renderer REST", renderer);
        all.put("backup-service REST", backup);
        all.put("alert-service REST", alertService);
        all.put("Prometheus", prometheus);
        all.put("Alertmanager", alertmanager);
        return all;
    }

    /** Fails, naming the port and what it is for, when any of them is taken. */
    public void requireAllFree() {
        all().forEach((purpose, port) -> Ports.requireFree(Ports.LOOPBACK, port, purpose));
    }

    /** The first of {@code length} consecutive free ports, none of them in {@code taken}; adds them to it. */
    private static int freeRun(int length, Set<Integer> taken) {
        for (int attempt = 0; attempt < 100; attempt++) {
            int first = Ports.free();
            boolean free = first + length <= 65535;
            for (int i = 0; free && i < length; i++) {
                free = !taken.contains(first + i) && (i == 0 || Ports.claim(first + i));
            }
            if (free) {
                for (int i = 0; i < length; i++) {
                    taken.add(first + i);
                }
                return first;
            }
        }
        throw new IllegalStateException("no " + length + " free consecutive ports on " + Ports.LOOPBACK);
    }
}
