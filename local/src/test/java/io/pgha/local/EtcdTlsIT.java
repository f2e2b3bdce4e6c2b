package io.pgha.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.Client;
import io.pgha.core.EtcdLayout;
import io.pgha.core.EtcdRoles;
import io.pgha.core.store.EtcdAccess;
import io.pgha.core.store.EtcdCalls;
import io.pgha.core.store.StoreException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** etcd with TLS and client-certificate auth, and pgha's RBAC role set on top (issue 21). */
class EtcdTlsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String CLUSTER = "tls";

    @RegisterExtension
    final LocalInfra infra = LocalInfra.perTest();

    @Test
    void onlyClientsWithACertificateOfItsAuthorityGetIn() {
        Certificates authority = Certificates.authorityIn(infra.workspace().dir("certs"));
        EtcdCluster etcd = infra.etcdTls(3, authority);
        assertThat(etcd.endpoints()).hasSize(3).allMatch(e -> e.startsWith("https://127.0.0.1:"));

        try (Client good = EtcdCalls.client(etcd.access(authority.issue("some-service", List.of())), TIMEOUT)) {
            put(good, "/pgha/tls/k", "v");
            assertThat(get(good, "/pgha/tls/k")).isEqualTo("v");
        }

        EtcdAccess noCertificate = new EtcdAccess(
                etcd.endpoints(),
                Optional.of(new EtcdAccess.Tls(authority.caCert(), Optional.empty(), Optional.empty())),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
        assertRefused(noCertificate);

        Certificates other = Certificates.authorityIn(infra.workspace().dir("other-ca"));
        Certificates.Issued stranger = other.issue("some-service", List.of());
        // trusts etcd's server certificate, but shows one of another authority
        assertRefused(new EtcdAccess(
                etcd.endpoints(),
                Optional.of(new EtcdAccess.Tls(
                        authority.caCert(), Optional.of(stranger.cert()), Optional.of(stranger.key()))),
                Optional.empty(),
                Optional.empty(),
                Optional.empty()));

        assertRefused(EtcdAccess.plain(etcd.endpoints().stream()
                .map(e -> e.replace("https://", "http://"))
                .toList()));
    }

    @Test
    void rolesLetAnAgentWriteItsOwnKeysButNotTheCoordinatorsOrAnotherMembers() {
        Certificates authority = Certificates.authorityIn(infra.workspace().dir("certs"));
        EtcdCluster etcd = infra.etcdTls(1, authority);
        etcd.enableAuth(new EtcdRoles.Deployment("/pgha", Map.of(CLUSTER, List.of("node0", "node1")), List.of("r0")));
        EtcdLayout layout = EtcdLayout.of(CLUSTER);

        Certificates.Issued coordinatorCert = authority.issue(EtcdRoles.COORDINATOR, List.of());
        Certificates.Issued agentCert = authority.issue(EtcdRoles.agent(CLUSTER, "node0"), List.of());
        Certificates.Issued nobodyCert = authority.issue("nobody", List.of());
        try (Client coordinator = EtcdCalls.client(etcd.access(coordinatorCert), TIMEOUT);
                Client agent = EtcdCalls.client(etcd.access(agentCert), TIMEOUT);
                Client nobody = EtcdCalls.client(etcd.access(nobodyCert), TIMEOUT)) {
            put(agent, layout.member("node0"), "{}");
            put(agent, layout.leader(), "node0");
            put(coordinator, layout.sync(), "{}");
            assertThat(get(agent, layout.sync())).isEqualTo("{}");

            assertDenied(() -> put(agent, layout.coordinator(), "me"));
            assertDenied(() -> put(agent, layout.sync(), "{}"));
            assertDenied(() -> put(agent, layout.member("node1"), "{}"));
            assertDenied(() -> put(agent, EtcdLayout.of("other").member("node0"), "{}"));
            assertDenied(() -> get(nobody, layout.leader()));
            assertThat(get(coordinator, layout.member("node0"))).isEqualTo("{}");
        }
    }

    @Test
    void aUserWithAPasswordFromAFileGetsItsRoleAndAWrongPasswordGetsNothing() throws Exception {
        Certificates authority = Certificates.authorityIn(infra.workspace().dir("certs"));
        EtcdCluster etcd = infra.etcdTls(1, authority);
        Certificates.Issued root =
                etcd.enableAuth(new EtcdRoles.Deployment("/pgha", Map.of(CLUSTER, List.of("node0")), List.of("r0")));
        etcd.etcdctl(
                root, List.of("user", "add", "router-pw", "--new-user-password=pw-Secret-1", "--interactive=false"));
        etcd.etcdctl(root, List.of("user", "grant-role", "router-pw", EtcdRoles.RENDERER));
        EtcdLayout layout = EtcdLayout.of(CLUSTER);
        // the TLS handshake still needs a certificate of the authority; its CN has no role of its own
        Certificates.Issued nobody = authority.issue("nobody", List.of());
        java.nio.file.Path passwordFile = infra.workspace().dir("secrets").resolve("etcd-password");
        java.nio.file.Files.writeString(passwordFile, "pw-Secret-1\n");
        EtcdAccess access = EtcdAccess.of(
                etcd.endpoints(),
                Optional.of(nobody.ca()),
                Optional.of(nobody.cert()),
                Optional.of(nobody.key()),
                Optional.of("router-pw"),
                Optional.of(passwordFile),
                Map.of());
        try (Client router = EtcdCalls.client(access, TIMEOUT)) {
            put(router, layout.router("r0"), "{}");
            assertDenied(() -> put(router, layout.leader(), "node0"));
        }

        java.nio.file.Files.writeString(passwordFile, "wrong\n");
        try (Client wrong = EtcdCalls.client(access, TIMEOUT)) {
            assertThatThrownBy(() -> put(wrong, layout.router("r0"), "{}"))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("UNAUTHENTICATED");
        }
    }

    private static void assertRefused(EtcdAccess access) {
        try (Client client = EtcdCalls.client(access, TIMEOUT)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> put(client, "/pgha/tls/intruder", "x")).isInstanceOf(StoreException.class);
            assertThatThrownBy(() -> get(client, "/pgha/tls/k")).isInstanceOf(StoreException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.multipliedBy(3));
        }
    }

    private static void assertDenied(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOf(StoreException.class).hasMessageContaining("permission denied");
    }

    private static void put(Client client, String key, String value) {
        EtcdCalls.await("put " + key, client.getKVClient().put(EtcdCalls.bytes(key), EtcdCalls.bytes(value)), TIMEOUT);
    }

    private static String get(Client client, String key) {
        var kvs = EtcdCalls.await("get " + key, client.getKVClient().get(EtcdCalls.bytes(key)), TIMEOUT)
                .getKvs();
        return kvs.isEmpty() ? null : EtcdCalls.text(kvs.get(0).getValue());
    }
}
