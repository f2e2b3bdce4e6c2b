package io.pgha.coordinator.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.store.EtcdClusterStore;
import io.pgha.core.tls.AgentApiTrust;
import io.pgha.local.AgentNodes;
import io.pgha.local.AgentNodes.Node;
import io.pgha.local.Certificates;
import io.pgha.local.EtcdCluster;
import io.pgha.local.LocalInfra;
import io.pgha.local.Ports;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The coordinator's {@link AgentClient} against a real agent serving HTTPS (issue 21, REST): with
 * {@code pgha.agent-api.ca-file}'s CA it reads the agent's {@code /patroni} at its {@code https} api_url;
 * with only the JVM's CAs the handshake fails and the agent counts as unanswered.
 */
class AgentClientHttpsIT {
    @RegisterExtension
    final LocalInfra infra = LocalInfra.perTest();

    @Test
    void theAgentsCertificateIsVerifiedWithTheConfiguredCa() throws Exception {
        EtcdCluster etcd = infra.etcd(1);
        Certificates ca = Certificates.authorityIn(infra.workspace().dir("certificates"));
        Node node = AgentNodes.startHttps(
                infra, "node0", etcd.endpoints(), Map.of(), ca.issue("node0", List.of(Ports.LOOPBACK)));
        String apiUrl;
        try (EtcdClusterStore store = AgentNodes.store(etcd.endpoints())) {
            AgentNodes.awaitHealthy(List.of(node), store, Duration.ofSeconds(90));
            apiUrl = store.read().member("node0").orElseThrow().status().apiUrl();
        }
        assertThat(apiUrl).startsWith("https://");

        AgentReport trusted = new AgentClient(
                        Duration.ofSeconds(5),
                        AgentApiTrust.sslContext(Optional.of(ca.caCert()), AgentApiTrust.PROPERTY))
                .fetch(apiUrl)
                .join();
        assertThat(trusted.answered()).as(String.valueOf(trusted.error())).isTrue();
        assertThat(trusted.role()).isEqualTo("primary");

        AgentReport untrusted = new AgentClient(
                        Duration.ofSeconds(5), AgentApiTrust.sslContext(Optional.empty(), AgentApiTrust.PROPERTY))
                .fetch(apiUrl)
                .join();
        assertThat(untrusted.answered()).isFalse();
        assertThat(untrusted.error()).containsIgnoringCase("SSL");
    }
}
