package io.pgha.local.cli;

import io.pgha.local.Ports;

/**
 * The fixed ports of the local cluster. Clients find the primary on {@code readWrite} (5000) and the
 * replicas on {@code readOnly} (5001); the rest are chosen to stay clear of a PostgreSQL, etcd or
 * Kafka that may already run on the machine.
 */
public record LocalPorts(
        int readWrite,
        int readOnly,
        int haproxyStats,
        int etcdClient,
        int etcdPeer,
        int kafka,
        int kafkaController,
        int firstPostgres) {

    /** The ports {@code ./pgha up} uses. */
    public static LocalPorts defaults() {
        return new LocalPorts(5000, 5001, 7000, 23790, 23800, 29092, 29093, 54320);
    }

    /** PostgreSQL node {@code index}'s port. */
    public int postgres(int index) {
        return firstPostgres + index;
    }

    /** Fails, naming the port and what it is for, when any of them is taken. */
    public void requireAllFree() {
        Ports.requireFree(Ports.LOOPBACK, readWrite, "HAProxy read-write");
        Ports.requireFree(Ports.LOOPBACK, readOnly, "HAProxy read-only");
        Ports.requireFree(Ports.LOOPBACK, haproxyStats, "HAProxy stats");
        Ports.requireFree(Ports.LOOPBACK, etcdClient, "etcd client");
        Ports.requireFree(Ports.LOOPBACK, etcdPeer, "etcd peer");
        Ports.requireFree(Ports.LOOPBACK, kafka, "Kafka");
        Ports.requireFree(Ports.LOOPBACK, kafkaController, "Kafka controller");
        for (int i = 0; i < 3; i++) {
            Ports.requireFree(Ports.LOOPBACK, postgres(i), "PostgreSQL pg-" + i);
        }
    }
}
