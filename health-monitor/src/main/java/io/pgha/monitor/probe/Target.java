package io.pgha.monitor.probe;

/**
 * One member to probe and how to log in to it.
 *
 * @param cluster the cluster
 * @param member the member name
 * @param host the host PostgreSQL listens on
 * @param port its port
 * @param database the database to connect to
 * @param user the monitoring role
 * @param password its password, or null (never printed: see {@link #toString()})
 */
public record Target(
        String cluster, String member, String host, int port, String database, String user, String password) {
    @Override
    public String toString() {
        return cluster + "/" + member + " at " + host + ":" + port + " as " + user;
    }
}
