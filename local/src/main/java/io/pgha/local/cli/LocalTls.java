package io.pgha.local.cli;

import io.pgha.local.AgentNodes;
import io.pgha.local.Certificates;
import io.pgha.local.OsUser;
import io.pgha.local.Ports;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code ./pgha up} secures with its local CA ({@link Certificates} in {@code <home>/tls}, keys
 * mode 600), or nothing with {@code --insecure}. So far PostgreSQL: every member serves TLS only (the
 * agents' pg_hba refuses plaintext TCP) and the agents, health-monitor, backup-service and PgBouncer's
 * server connections verify it against the CA ({@code verify-full}). etcd, Kafka and the REST APIs are
 * not switched yet (see docs/security.md).
 */
final class LocalTls {
    /** The folder of the CA and the certificates, under the home folder. */
    static final String DIR = "tls";

    private final Certificates authority; // null: --insecure

    private LocalTls(Certificates authority) {
        this.authority = authority;
    }

    /** The CA in {@code home}/{@value #DIR} (made on the first secured {@code up}), or none when {@code insecure}. */
    static LocalTls in(Path home, boolean insecure) {
        return new LocalTls(insecure ? null : Certificates.authorityIn(home.resolve(DIR)));
    }

    boolean on() {
        return authority != null;
    }

    /** The CA's certificate (what clients trust), when TLS is on. */
    Optional<Path> caCert() {
        return on() ? Optional.of(authority.caCert()) : Optional.empty();
    }

    /** The folder of the CA and every certificate, when TLS is on. */
    Optional<Path> dir() {
        return on() ? Optional.of(authority.dir()) : Optional.empty();
    }

    /**
     * An agent's {@code pgha.postgres.tls.*} properties: a certificate of member {@code member} naming
     * {@code host} (where its PostgreSQL listens) and loopback (HAProxy's address, for clients that verify
     * through it), copied for the user PostgreSQL runs as into {@code nodeDir/certs}. None when off.
     */
    Map<String, String> agent(String member, String host, Path nodeDir) {
        if (!on()) {
            return Map.of();
        }
        List<String> ips = host.equals(Ports.LOOPBACK) ? List.of(host) : List.of(host, Ports.LOOPBACK);
        return AgentNodes.postgresTls(authority.issue(member, ips), nodeDir);
    }

    /** health-monitor's probes verify the members against the CA. */
    Map<String, String> monitor() {
        return caCert().map(ca -> Map.of("pgha.health-monitor.postgres-ca-file", ca.toString()))
                .orElse(Map.of());
    }

    /** backup-service (running as PostgreSQL's user) verifies the members with a copy of the CA in {@code dir}. */
    Map<String, String> backup(Path dir) {
        return caCert().map(ca -> Map.of("pgha.postgres.tls.ca-file", copyForPostgres(ca, dir)))
                .orElse(Map.of());
    }

    /** config-renderer's property of the CA PgBouncer verifies its server connections with. */
    static final String POOLER_CA = "pgha.renderer.pool.server-ca-file";

    /** PgBouncer (running as PostgreSQL's user) verifies its server connections with a copy of the CA in {@code dir}. */
    Map<String, String> pooler(Path dir) {
        return caCert().map(ca -> Map.of(POOLER_CA, copyForPostgres(ca, dir))).orElse(Map.of());
    }

    private static String copyForPostgres(Path ca, Path dir) {
        return OsUser.forPostgres().ownedCopy(ca, dir.resolve("ca.crt")).toString();
    }

    /**
     * What goes before {@code psql} in the hints {@code up} prints: with a CA, libpq's {@code
     * PGSSLMODE=verify-full PGSSLROOTCERT=<ca>} (the members serve only TLS; every certificate names
     * 127.0.0.1, so this holds through HAProxy too); without, nothing.
     */
    static String psqlEnvironment(Optional<Path> ca) {
        return ca.map(path -> "PGSSLMODE=verify-full PGSSLROOTCERT=" + path + " ")
                .orElse("");
    }

    /** A line for {@code up}'s progress: where the certificates are, or that everything is plaintext. */
    static String summary(Optional<Path> dir) {
        return dir.map(d -> "tls: local CA and certificates in " + d
                        + " (keys mode 600); PostgreSQL serves TLS only (sslmode=verify-full against "
                        + d.resolve("ca.crt") + "); etcd, Kafka and the REST APIs are still plaintext")
                .orElse("tls: off (--insecure): everything in plaintext on 127.0.0.1");
    }
}
