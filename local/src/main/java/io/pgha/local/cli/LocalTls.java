package io.pgha.local.cli;

import io.pgha.core.EtcdRoles;
import io.pgha.core.store.EtcdAccess;
import io.pgha.core.tls.AgentApiTrust;
import io.pgha.local.AgentNodes;
import io.pgha.local.Certificates;
import io.pgha.local.EtcdCluster;
import io.pgha.local.KafkaBroker;
import io.pgha.local.OsUser;
import io.pgha.local.Ports;
import io.pgha.local.QuarkusService;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code ./pgha up} secures with its local CA ({@link Certificates} in {@code <home>/tls}, keys
 * mode 600), or nothing with {@code --insecure}. PostgreSQL: every member serves TLS only (the agents'
 * pg_hba refuses plaintext TCP) and the agents, health-monitor, backup-service and PgBouncer's server
 * connections verify it against the CA ({@code verify-full}). etcd: https only, every client shows a
 * certificate of the CA whose common name is its {@code EtcdRoles} principal. Kafka: SASL_SSL with a
 * SCRAM user per service kind and the ACLs of {@code KafkaAcls}; etcd's RBAC is on with the role set of
 * {@code EtcdRoles} ({@link #etcdRoles}). REST: every service serves HTTPS only with a certificate of
 * the CA naming 127.0.0.1 and its own address ({@link #rest}); its callers trust the CA ({@link
 * #agentApiTrust}, {@link #rendererChecks}, {@link #httpClient}, Prometheus' scrape configuration).
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

    /** The prefix of the certificates the services serve their REST APIs with ({@code rest-<component>}). */
    static final String REST_PREFIX = "rest-";

    /**
     * {@code builder} serving its REST API over HTTPS only, when TLS is on: a certificate of the CA for
     * {@code component} naming {@code host} (where it listens) and 127.0.0.1, through Quarkus' TLS
     * registry ({@link QuarkusService.Builder#https}). With {@code copyFor} the certificate, key and CA
     * are copied there for the user PostgreSQL runs as (agents, backup-service). Off: plain HTTP.
     */
    QuarkusService.Builder rest(QuarkusService.Builder builder, String component, String host, Path copyFor) {
        if (!on()) {
            return builder;
        }
        List<String> ips = host.equals(Ports.LOOPBACK) ? List.of(host) : List.of(host, Ports.LOOPBACK);
        Certificates.Issued issued = authority.issue(REST_PREFIX + component, ips);
        return builder.https(copyFor == null ? issued : copyForPostgres(issued, copyFor, "rest"));
    }

    /** The certificate {@code component} serves its REST API with, when TLS is on. */
    Optional<Path> restCertificate(String component) {
        return dir().map(d -> d.resolve(REST_PREFIX + component + ".crt"));
    }

    /**
     * {@code pgha.agent-api.ca-file} of a service that calls agents (coordinator: their {@code /patroni};
     * agents: each other's {@code POST /failsafe} and their own archive commands' curl), when TLS is on;
     * with {@code copyFor} a copy of the CA there for the user PostgreSQL runs as.
     */
    Map<String, String> agentApiTrust(Path copyFor) {
        return caCert().map(ca -> Map.of(
                        AgentApiTrust.PROPERTY,
                        copyFor == null
                                ? ca.toString()
                                : copyForPostgres(ca, OsUser.forPostgres().ownedDir(copyFor))))
                .orElse(Map.of());
    }

    /** config-renderer's HAProxy checks verify the agents' HTTPS against the CA ({@code check-ssl verify required}). */
    Map<String, String> rendererChecks() {
        return caCert().map(ca -> Map.of("pgha.renderer.checks.ca-file", ca.toString()))
                .orElse(Map.of());
    }

    /** {@code https} when TLS is on, else {@code http}: the scheme of every service's REST API. */
    String scheme() {
        return on() ? "https" : "http";
    }

    /**
     * The client this launcher, and the tests through {@code LocalCluster.httpClient()}, call the services'
     * REST APIs with: it trusts the CA when TLS is on (host names verified: every certificate names
     * 127.0.0.1), the JVM's CAs otherwise. Its connect timeout ({@link #CONNECT_TIMEOUT}) also bounds the
     * TLS handshake.
     */
    HttpClient httpClient() {
        return HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                // HTTP/1.1: over plain http (--insecure) the JDK's h2c upgrade gets an answer it misreads
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(AgentApiTrust.sslContext(caCert(), "the local CA (" + DIR + "/ca.crt)"))
                .build();
    }

    /**
     * How long {@link #httpClient()} waits for a connection: the JDK's client counts the TLS handshake in it
     * (unlike {@code HttpURLConnection}, which pghactl uses). 2 s was too short once on a 2-core machine at
     * load ~7 (FailoverBenchIT, 2026-12-05: a switchover request never reached the coordinator). What
     * follows the handshake is bounded by each request's own timeout.
     */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** The certificate this launcher uses for its own etcd reads (etcd's {@code root} user). */
    static final String LAUNCHER = "root";

    /**
     * The {@code pgha.etcd.*} properties of a service reaching etcd at {@code endpoints} as {@code
     * principal} (its certificate's common name, an {@code EtcdRoles} role). With {@code copyFor} the CA,
     * certificate and key are copied there for the user PostgreSQL runs as (agents, backup-service).
     * Off: the endpoints only.
     */
    Map<String, String> etcd(List<String> endpoints, String principal, Path copyFor) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(EtcdAccess.ENDPOINTS, String.join(",", endpoints));
        if (!on()) {
            return p;
        }
        Certificates.Issued issued = authority.issue(principal, List.of(Ports.LOOPBACK));
        if (copyFor != null) {
            issued = copyForPostgres(issued, copyFor, "etcd-client");
        }
        p.put(EtcdAccess.CA_FILE, issued.ca().toString());
        p.put(EtcdAccess.CERT_FILE, issued.cert().toString());
        p.put(EtcdAccess.KEY_FILE, issued.key().toString());
        return p;
    }

    /**
     * Turns on etcd's RBAC at {@code endpoints} with pgha's role set ({@code EtcdRoles}) for {@code
     * deployment}, as this launcher's {@value #LAUNCHER} certificate; again after a restart or with a
     * cluster added (roles and users that exist are kept). Nothing when off: plaintext etcd has no
     * client certificates to name a principal.
     */
    void etcdRoles(List<String> endpoints, EtcdRoles.Deployment deployment) {
        if (on()) {
            EtcdCluster.enableAuth(endpoints, authority.issue(LAUNCHER, List.of(Ports.LOOPBACK)), deployment);
        }
    }

    /** How this launcher reads etcd at {@code endpoints} (as {@value #LAUNCHER} with TLS on). */
    EtcdAccess etcdAccess(List<String> endpoints) {
        if (!on()) {
            return EtcdAccess.plain(endpoints);
        }
        Certificates.Issued root = authority.issue(LAUNCHER, List.of(Ports.LOOPBACK));
        return new EtcdAccess(
                endpoints,
                Optional.of(new EtcdAccess.Tls(root.ca(), Optional.of(root.cert()), Optional.of(root.key()))),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    /**
     * Gives {@code builder} the Kafka settings of a service logging in to {@code broker} as {@code
     * principal} (its SCRAM user: the service kind), when the broker is secured: SASL_SSL and the CA as
     * PEM trust store as properties; the user and its password file as the environment ({@code
     * PGHA_KAFKA_USERNAME}, {@code PGHA_KAFKA_PASSWORD_FILE}), because services whose configuration root
     * is {@code pgha} refuse {@code pgha.kafka.*} system properties they do not map (SRCFG00050), while
     * pgha-messaging reads them from any source. With {@code copyFor} the password file and the CA are
     * copied there for the user PostgreSQL runs as (backup-service). Plaintext broker: nothing (the
     * bootstrap servers are in ServiceSettings).
     */
    static QuarkusService.Builder kafka(
            QuarkusService.Builder builder, KafkaBroker broker, String principal, Path copyFor) {
        if (!broker.secured()) {
            return builder;
        }
        Map<String, String> p = new LinkedHashMap<>(broker.serviceProperties(principal));
        String user = p.remove(USERNAME);
        String passwordFile = p.remove(PASSWORD_FILE);
        if (copyFor != null) {
            OsUser pgUser = OsUser.forPostgres();
            Path dir = pgUser.ownedDir(copyFor);
            passwordFile = pgUser.ownedCopy(Path.of(passwordFile), dir.resolve("kafka.password"))
                    .toString();
            p.put(
                    "kafka.ssl.truststore.location",
                    pgUser.ownedCopy(broker.truststore(), dir.resolve("kafka-ca.crt"))
                            .toString());
        }
        return builder.properties(p).env("PGHA_KAFKA_USERNAME", user).env("PGHA_KAFKA_PASSWORD_FILE", passwordFile);
    }

    private static final String USERNAME = "pgha.kafka.username";
    private static final String PASSWORD_FILE = "pgha.kafka.password-file";

    /** The authority, when TLS is on. */
    Optional<Certificates> authority() {
        return Optional.ofNullable(authority);
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

    /** {@code issued}'s certificate and key ({@code <name>.crt/.key}) and the CA copied into {@code dir} for PostgreSQL's user. */
    private static Certificates.Issued copyForPostgres(Certificates.Issued issued, Path dir, String name) {
        OsUser user = OsUser.forPostgres();
        Path owned = user.ownedDir(dir);
        return new Certificates.Issued(
                issued.name(),
                user.ownedCopy(issued.cert(), owned.resolve(name + ".crt")),
                user.ownedCopy(issued.key(), owned.resolve(name + ".key")),
                user.ownedCopy(issued.ca(), owned.resolve("ca.crt")));
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
                        + d.resolve("ca.crt") + "); etcd https with client certificates and RBAC roles;"
                        + " Kafka SASL_SSL with a SCRAM user per service and ACLs; every REST API https only")
                .orElse("tls: off (--insecure): everything in plaintext on 127.0.0.1");
    }
}
