package io.pgha.coordinator.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.Client;
import io.pgha.core.EtcdLayout;
import io.pgha.core.EtcdRoles;
import io.pgha.core.store.EtcdCalls;
import io.pgha.core.store.EtcdClusterStore;
import io.pgha.local.AgentNodes;
import io.pgha.local.AgentNodes.Node;
import io.pgha.local.Certificates;
import io.pgha.local.EtcdCluster;
import io.pgha.local.KafkaBroker;
import io.pgha.local.LocalInfra;
import io.pgha.local.QuarkusService;
import io.pgha.local.Wait;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * A coordinator and two agents against etcd with TLS, client-certificate auth and pgha's roles (issue 21):
 * each with its own principal, the coordinator is elected and carries out a switchover (its writes of the
 * leader key on the candidate's lease, /switchover, /history all pass the roles).
 */
class CoordinatorEtcdTlsIT {
    private static final String TOKEN = "coordinator-tls-token";
    private static final String NAME = "coordinator-tls";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @RegisterExtension
    final LocalInfra infra = LocalInfra.perTest();

    private final List<Node> nodes = new ArrayList<>();

    @RegisterExtension
    final TestWatcher postgresLogs = AgentNodes.postgresLogsOnFailure(() -> nodes);

    @Test
    void aCoordinatorWithItsOwnPrincipalLeadsAndSwitchesOver() throws Exception {
        Certificates authority = Certificates.authorityIn(infra.workspace().dir("certs"));
        EtcdCluster etcd = infra.etcdTls(1, authority);
        etcd.enableAuth(new EtcdRoles.Deployment(
                EtcdLayout.DEFAULT_NAMESPACE, Map.of(AgentNodes.CLUSTER, List.of("node0", "node1")), List.of()));
        KafkaBroker kafka = infra.kafka();
        Certificates.Issued coordinator = authority.issue(EtcdRoles.COORDINATOR, List.of());
        EtcdLayout layout = EtcdLayout.of(AgentNodes.CLUSTER);
        try (EtcdClusterStore store =
                        EtcdClusterStore.connect(etcd.access(coordinator), layout, Duration.ofSeconds(5));
                Client client = EtcdCalls.client(etcd.access(coordinator), Duration.ofSeconds(5))) {
            for (String name : List.of("node0", "node1")) {
                Certificates.Issued own = authority.issue(EtcdRoles.agent(AgentNodes.CLUSTER, name), List.of());
                nodes.add(AgentNodes.start(infra, name, etcd.endpoints(), null, AgentNodes.etcdTls(infra, etcd, own)));
            }
            Node old = AgentNodes.awaitHealthy(nodes, store, Duration.ofSeconds(90));
            QuarkusService service =
                    infra.track(QuarkusService.builder(infra.workspace(), NAME, QuarkusService.ownJar())
                            .properties(etcd.clientProperties(coordinator))
                            .property("pgha.coordinator.name", NAME)
                            .property("pgha.coordinator.election-ttl", "4s")
                            .property("pgha.api.token", TOKEN)
                            .property("kafka.bootstrap.servers", kafka.bootstrapServers())
                            .start());
            Wait.until(Duration.ofSeconds(20), NAME + " holds " + layout.coordinator(), () -> {
                var kvs = EtcdCalls.await(
                                "get",
                                client.getKVClient().get(EtcdCalls.bytes(layout.coordinator())),
                                Duration.ofSeconds(5))
                        .getKvs();
                return !kvs.isEmpty() && EtcdCalls.text(kvs.get(0).getValue()).equals(NAME);
            });

            Node candidate = nodes.stream().filter(n -> n != old).findFirst().orElseThrow();
            HttpResponse<String> done = HTTP.send(
                    HttpRequest.newBuilder(service.uri("/api/v1/clusters/" + AgentNodes.CLUSTER + "/switchover"))
                            .timeout(Duration.ofSeconds(90))
                            .header("Authorization", "Bearer " + TOKEN)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"leader\":\"" + old.name() + "\",\"candidate\":\"" + candidate.name() + "\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
            assertThat(AgentNodes.awaitHealthy(nodes, store, Duration.ofSeconds(90)))
                    .isSameAs(candidate);
        }
    }
}
