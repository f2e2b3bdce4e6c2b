package io.pgha.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.core.EtcdLayout;
import io.pgha.core.EtcdRoles;
import io.pgha.core.store.EtcdClusterStore;
import io.pgha.local.AgentNodes;
import io.pgha.local.AgentNodes.Node;
import io.pgha.local.Certificates;
import io.pgha.local.EtcdCluster;
import io.pgha.local.LocalInfra;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Agents against etcd with TLS, client-certificate auth and pgha's roles (issue 21): each agent with its
 * own principal bootstraps a primary and a streaming replica; an agent without a client certificate
 * cannot reach etcd and stops at start.
 */
class EtcdTlsAgentIT {
    @RegisterExtension
    final LocalInfra infra = LocalInfra.perTest();

    private final List<Node> nodes = new ArrayList<>();

    @RegisterExtension
    final TestWatcher postgresLogs = AgentNodes.postgresLogsOnFailure(() -> nodes);

    @Test
    void agentsWithTheirOwnCertificatesFormAClusterAndOneWithoutCannotReachEtcd() throws Exception {
        Certificates authority = Certificates.authorityIn(infra.workspace().dir("certs"));
        EtcdCluster etcd = infra.etcdTls(1, authority);
        etcd.enableAuth(new EtcdRoles.Deployment(
                EtcdLayout.DEFAULT_NAMESPACE, Map.of(AgentNodes.CLUSTER, List.of("node0", "node1")), List.of()));
        Certificates.Issued coordinator = authority.issue(EtcdRoles.COORDINATOR, List.of());
        try (EtcdClusterStore store = EtcdClusterStore.connect(
                etcd.access(coordinator), EtcdLayout.of(AgentNodes.CLUSTER), Duration.ofSeconds(5))) {
            for (String name : List.of("node0", "node1")) {
                Certificates.Issued own = authority.issue(EtcdRoles.agent(AgentNodes.CLUSTER, name), List.of());
                nodes.add(AgentNodes.start(infra, name, etcd.endpoints(), null, AgentNodes.etcdTls(infra, etcd, own)));
            }
            Node primary = AgentNodes.awaitHealthy(nodes, store, Duration.ofSeconds(90));
            assertThat(store.read().members()).containsOnlyKeys("node0", "node1");
            assertThat(primary.status("/primary")).isEqualTo(200);

            // trusts etcd (the CA) but shows no client certificate: the TLS handshake is refused
            Map<String, String> noCertificate = new LinkedHashMap<>(AgentNodes.etcdTls(
                    infra, etcd, authority.issue(EtcdRoles.agent(AgentNodes.CLUSTER, "node2"), List.of())));
            noCertificate.remove("pgha.etcd.tls.cert-file");
            noCertificate.remove("pgha.etcd.tls.key-file");
            long start = System.nanoTime();
            assertThatThrownBy(() -> AgentNodes.start(infra, "node2", etcd.endpoints(), null, noCertificate))
                    .hasMessageContaining("pgha.etcd.endpoints) is not reachable");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(120));
            assertThat(store.read().members()).containsOnlyKeys("node0", "node1");
        }
    }
}
