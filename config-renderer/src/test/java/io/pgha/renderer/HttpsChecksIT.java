package io.pgha.renderer;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.HaproxySocket;
import io.pgha.events.TopologyEvent.Member;
import io.pgha.events.TopologyEvent.MemberRole;
import io.pgha.events.TopologyEvent.TopologyChanged;
import io.pgha.local.Certificates;
import io.pgha.local.LocalInfra;
import io.pgha.local.Ports;
import io.pgha.local.Wait;
import io.pgha.renderer.render.ClusterPorts;
import io.pgha.renderer.render.HaproxyConfigRenderer;
import io.pgha.renderer.render.RenderSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HTTPS health checks against a real HAProxy: with agents' api_url {@code https}, the rendered config
 * ({@code check-ssl verify required ca-file <pgha CA>}) marks up an agent whose certificate the CA issued
 * and keeps down one whose certificate another CA issued, though both answer 200 on {@code /primary}.
 */
class HttpsChecksIT {
    private static final String CLUSTER = "main";

    @RegisterExtension
    final LocalInfra infra = LocalInfra.perTest();

    @Test
    void anHttpsAgentIsUpOnlyWhenItsCertificateIsFromTheConfiguredCa() throws Exception {
        Certificates ca = Certificates.authorityIn(infra.workspace().dir("ca"));
        Certificates stranger = Certificates.authorityIn(infra.workspace().dir("other-ca"));
        StandInAgent trusted =
                infra.track(new StandInAgent(StandInAgent.Role.PRIMARY, ca.issue("pg-0", List.of(Ports.LOOPBACK))));
        StandInAgent untrusted = infra.track(
                new StandInAgent(StandInAgent.Role.PRIMARY, stranger.issue("pg-1", List.of(Ports.LOOPBACK))));
        assertThat(trusted.apiUrl()).startsWith("https://");

        Path runtimeSocket = infra.workspace().dir("haproxy-runtime").resolve("runtime.sock");
        RenderSettings settings = new RenderSettings(
                        Ports.LOOPBACK,
                        Ports.free(),
                        runtimeSocket.toString(),
                        infra.workspace()
                                .dir("haproxy-state")
                                .resolve("server-state")
                                .toString(),
                        1000,
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(2),
                        Duration.ofMinutes(30),
                        Duration.ofMinutes(30),
                        Duration.ofSeconds(2),
                        Duration.ofMillis(300),
                        Duration.ofMillis(300),
                        1,
                        1,
                        "16MB",
                        "roundrobin",
                        true,
                        Map.of(CLUSTER, new ClusterPorts(Ports.free(), Ports.free())))
                .withAgentCaFile(ca.caCert().toString());
        TopologyChanged topology = new TopologyChanged(
                CLUSTER,
                1,
                "pg-0",
                List.of(member("pg-0", MemberRole.LEADER, trusted), member("pg-1", MemberRole.REPLICA, untrusted)),
                List.of(),
                false,
                Instant.now());
        String config = new HaproxyConfigRenderer()
                .render(Map.of(CLUSTER, topology), settings)
                .text();
        assertThat(config).contains("check-ssl verify required ca-file " + ca.caCert());

        infra.haproxy(config);

        String backend = HaproxyConfigRenderer.readWriteBackend(CLUSTER);
        // check_status L7OK: a check completed over TLS and got 200 (a server is UP before its first check)
        Wait.until(
                Duration.ofSeconds(20),
                "HAProxy's check of the agent with the CA's certificate passes (UP, L7OK)",
                () -> stat(runtimeSocket, backend, "pg-0", "status").startsWith("UP")
                        && stat(runtimeSocket, backend, "pg-0", "check_status").equals("L7OK"));
        Wait.until(
                Duration.ofSeconds(20),
                "HAProxy's check of the agent with another CA's certificate fails in the TLS layer (DOWN, L6)",
                () -> stat(runtimeSocket, backend, "pg-1", "status").startsWith("DOWN")
                        && stat(runtimeSocket, backend, "pg-1", "check_status").startsWith("L6"));
        assertThat(stat(runtimeSocket, backend, "pg-0", "status")).startsWith("UP");
    }

    private static Member member(String name, MemberRole role, StandInAgent agent) {
        return new Member(name, role, "running", Ports.LOOPBACK, Ports.free(), agent.apiUrl(), 1, 0L, Map.of());
    }

    /** The column {@code column} of {@code show stat} for {@code backend/server} ("" when absent). */
    private static String stat(Path runtimeSocket, String backend, String server, String column) throws Exception {
        String[] lines = HaproxySocket.send(runtimeSocket, "show stat", Duration.ofSeconds(5))
                .split("\n");
        List<String> header = List.of(lines[0].replaceFirst("^# ", "").split(",", -1));
        int index = header.indexOf(column);
        for (String line : lines) {
            String[] fields = line.split(",", -1);
            if (index >= 0 && fields.length > index && fields[0].equals(backend) && fields[1].equals(server)) {
                return fields[index];
            }
        }
        return "";
    }
}
