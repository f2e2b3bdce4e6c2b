package io.pgha.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.local.cli.ServiceSettings.AgentSecrets;
import io.pgha.local.cli.ServiceSettings.HaproxyFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceSettingsTest {
    @Test
    void withoutRepositoryAnAgentArchivesNothing() {
        Map<String, String> agent = Map.of(
                "pgha.name", "pg-1",
                "pgha.repository.type", "posix",
                "pgha.repository.path", "/b",
                "pgha.repository.compression", "zstd");
        assertThat(ServiceSettings.withoutRepository(agent))
                .containsExactlyInAnyOrderEntriesOf(Map.of("pgha.name", "pg-1", "pgha.repository.type", "none"));
    }

    @Test
    void agentGetsSecretFilesAndNoSecretValue() {
        AgentSecrets secrets =
                new AgentSecrets(Path.of("/n/api-token"), Path.of("/n/su"), Path.of("/n/repl"), Path.of("/n/mon"));

        Map<String, String> agent = ServiceSettings.agent(
                "pgha",
                "pg-1",
                List.of("http://127.0.0.1:23790"),
                "127.0.0.1",
                54321,
                Path.of("/n/data"),
                secrets,
                Path.of("/b"));

        assertThat(agent)
                .containsEntry("pgha.cluster", "pgha")
                .containsEntry("pgha.name", "pg-1")
                .containsEntry("pgha.etcd.endpoints", "http://127.0.0.1:23790")
                .containsEntry("pgha.postgres.listen-host", "127.0.0.1")
                .containsEntry("pgha.postgres.port", "54321")
                .containsEntry("pgha.postgres.data-dir", "/n/data")
                .containsEntry("pgha.restapi.token-file", "/n/api-token")
                .containsEntry("pgha.postgres.superuser.password-file", "/n/su")
                .containsEntry("pgha.postgres.replication.password-file", "/n/repl")
                .containsEntry("pgha.postgres.monitoring.password-file", "/n/mon")
                .containsEntry("pgha.repository.type", "posix")
                .containsEntry("pgha.repository.path", "/b")
                .doesNotContainKey("pgha.restapi.token");
    }

    @Test
    void rendererDrivesTheHaproxyThatUpStartsWithItsFiles() {
        HaproxyFiles files = HaproxyFiles.in(Path.of("/h"));

        Map<String, String> renderer = ServiceSettings.renderer(
                "pgha", List.of("http://127.0.0.1:23790"), "127.0.0.1:29092", files, 5000, 5001, 7000);
        String initial = ServiceSettings.initialHaproxyConfig(files, 7000);

        assertThat(renderer)
                .containsEntry("pgha.etcd.endpoints", "http://127.0.0.1:23790")
                .containsEntry("pgha.renderer.haproxy.config-path", "/h/haproxy.cfg")
                .containsEntry("pgha.renderer.haproxy.master-socket", "/h/master.sock")
                .containsEntry("pgha.renderer.haproxy.runtime-socket", "/h/runtime.sock")
                .containsEntry("pgha.renderer.clusters.pgha.read-write-port", "5000")
                .containsEntry("pgha.renderer.clusters.pgha.read-only-port", "5001")
                .containsEntry("pgha.renderer.stats-port", "7000");
        assertThat(initial)
                .contains("stats socket /h/runtime.sock mode 600 level admin")
                .contains("bind 127.0.0.1:7000")
                .doesNotContain(":5000");
    }

    @Test
    void coordinatorGetsTheContractsProperties() {
        assertThat(ServiceSettings.coordinator(
                        "coordinator-1", List.of("http://a:1", "http://b:2"), Path.of("/t"), "127.0.0.1:29092"))
                .containsEntry("pgha.etcd.endpoints", "http://a:1,http://b:2")
                .containsEntry("pgha.coordinator.name", "coordinator-1")
                .containsEntry("pgha.coordinator.fast-failover-routers", "config-renderer-local")
                .containsEntry("pgha.api.token-file", "/t")
                .containsEntry("kafka.bootstrap.servers", "127.0.0.1:29092");
    }

    @Test
    void alertServicePostsToEveryAlertmanagerAndKeepsItsOutboxInHome() {
        Map<String, String> alert = ServiceSettings.alertService(
                "127.0.0.1:29092",
                List.of("http://127.0.0.1:9093", "http://127.0.0.1:9193"),
                Path.of("/h/alert-outbox"));

        assertThat(alert)
                .containsEntry("kafka.bootstrap.servers", "127.0.0.1:29092")
                .containsEntry("pgha.alert.name", "alert-service-0")
                .containsEntry("pgha.alert.alertmanagers", "http://127.0.0.1:9093,http://127.0.0.1:9193")
                .containsEntry("pgha.alert.outbox-dir", "/h/alert-outbox");
    }

    @Test
    void pgBouncersFirstConfigurationVerifiesItsServerConnectionsWhenPostgresRunsWithTls() {
        ServiceSettings.PoolerFiles files = ServiceSettings.PoolerFiles.in(Path.of("/p"));
        String tls = ServiceSettings.initialPgBouncerConfig(files, 6432, java.util.Optional.of("/p/ca.crt"));
        assertThat(tls.substring(tls.indexOf("[pgbouncer]")))
                .contains("server_tls_sslmode = verify-full\n", "server_tls_ca_file = /p/ca.crt\n");
        assertThat(ServiceSettings.initialPgBouncerConfig(files, 6432, java.util.Optional.empty()))
                .doesNotContain("server_tls");
    }
}
