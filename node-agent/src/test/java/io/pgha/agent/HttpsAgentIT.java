package io.pgha.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.core.store.EtcdClusterStore;
import io.pgha.local.AgentNodes;
import io.pgha.local.AgentNodes.Node;
import io.pgha.local.Certificates;
import io.pgha.local.EtcdCluster;
import io.pgha.local.LocalInfra;
import io.pgha.local.Ports;
import io.pgha.local.Wait;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real agent with a certificate in Quarkus' TLS registry (issue 21, REST): it publishes an {@code https}
 * api_url, answers {@code /patroni} and {@code /primary} over HTTPS verified by the CA, refuses plain HTTP,
 * and its archive_command reaches it over HTTPS ({@code curl --cacert pgha.agent-api.ca-file}).
 */
class HttpsAgentIT {
    @RegisterExtension
    final LocalInfra infra = LocalInfra.perTest();

    @Test
    void anAgentWithACertificateServesAndPublishesHttpsOnlyAndArchivesOverIt() throws Exception {
        EtcdCluster etcd = infra.etcd(1);
        Certificates ca = Certificates.authorityIn(infra.workspace().dir("certificates"));
        Node node = AgentNodes.startHttps(
                infra,
                "node0",
                etcd.endpoints(),
                AgentNodes.posixRepository(infra.workspace().dir("backups").resolve("repo")),
                ca.issue("node0", List.of(Ports.LOOPBACK)));
        try (EtcdClusterStore store = AgentNodes.store(etcd.endpoints())) {
            Node primary = AgentNodes.awaitHealthy(List.of(node), store, Duration.ofSeconds(90));
            assertThat(primary).isSameAs(node);

            String expected = "https://" + Ports.LOOPBACK + ":" + node.agent().httpPort() + "/patroni";
            assertThat(store.read().member("node0").orElseThrow().status().apiUrl())
                    .as("api_url follows the scheme and the HTTPS port")
                    .isEqualTo(expected);
            assertThat(node.agent().get("/patroni").statusCode()).isEqualTo(200);
        }

        HttpClient plain =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI http = URI.create("http://" + Ports.LOOPBACK + ":" + node.agent().httpPort() + "/primary");
        assertThatThrownBy(() -> plain.send(
                        HttpRequest.newBuilder(http)
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()))
                .as("plain HTTP gets no HTTP answer")
                .isInstanceOf(IOException.class);

        node.execute("CREATE TABLE t AS SELECT g FROM generate_series(1, 1000) g");
        node.query("SELECT pg_switch_wal()");
        Wait.until(
                Duration.ofSeconds(60),
                "a segment archived through the agent over HTTPS",
                () -> ((Number) node.query("SELECT archived_count FROM pg_stat_archiver")).longValue() > 0);
        assertThat(((Number) node.query("SELECT failed_count FROM pg_stat_archiver")).longValue())
                .as("no archive_command failed (curl verified the agent with the CA)")
                .isZero();
    }
}
