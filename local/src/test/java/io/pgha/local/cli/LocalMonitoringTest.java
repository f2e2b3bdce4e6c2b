package io.pgha.local.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.local.MonitoringFiles;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class LocalMonitoringTest {
    private static final LocalPorts DEFAULTS = LocalPorts.defaults();

    @Test
    void theShippedScrapeConfigurationIsUpsWithItsDefaultPorts() throws Exception {
        String shipped = Files.readString(MonitoringFiles.shipped().prometheusConfig());

        assertThat(LocalMonitoring.prometheusConfig(shipped, DEFAULTS, DEFAULTS))
                .isEqualTo(shipped);
    }

    @Test
    void everyTargetMovesToThePortOfTheSamePurpose() throws Exception {
        String shipped = Files.readString(MonitoringFiles.shipped().prometheusConfig());
        LocalPorts ports = LocalPorts.free();

        String config = LocalMonitoring.prometheusConfig(shipped, DEFAULTS, ports);

        for (int i = 0; i < LocalPorts.NODES; i++) {
            assertThat(config).contains("'127.0.0.1:" + ports.agent(i) + "'");
        }
        assertThat(config)
                .contains("'127.0.0.1:" + ports.coordinator(0) + "', '127.0.0.1:" + ports.coordinator(1) + "'")
                .contains("'127.0.0.1:" + ports.monitor() + "'")
                .contains("'127.0.0.1:" + ports.renderer() + "'")
                .contains("'127.0.0.1:" + ports.backup() + "'")
                .contains("'127.0.0.1:" + ports.alertService() + "'")
                .contains("'127.0.0.1:" + ports.haproxyStats() + "'")
                .contains("'127.0.0.1:" + ports.prometheus() + "'")
                .contains("'127.0.0.1:" + ports.alertmanager() + "'");
        for (int port : DEFAULTS.all().values()) {
            assertThat(config).doesNotContain("127.0.0.1:" + port + "'");
        }
    }

    @Test
    void aTargetOnAPortUpDoesNotRunIsRefused() {
        assertThatThrownBy(() -> LocalMonitoring.prometheusConfig(
                        "targets: ['127.0.0.1:8008', '127.0.0.1:4711']", DEFAULTS, LocalPorts.free()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[4711]");
    }

    @Test
    void withTlsOnThePghaServicesAreScrapedOverHttpsVerifiedByTheCa() throws Exception {
        String shipped = Files.readString(MonitoringFiles.shipped().prometheusConfig());
        java.nio.file.Path ca = java.nio.file.Path.of("/h/.pgha/tls/ca.crt");

        String config = LocalMonitoring.httpsScrapes(shipped, ca);

        for (String job : LocalMonitoring.SERVICE_JOBS) {
            assertThat(config)
                    .contains("  - job_name: " + job + "\n    scheme: https\n    tls_config:\n      ca_file: '" + ca
                            + "'\n");
        }
        for (String job : java.util.List.of("haproxy", "prometheus", "alertmanager")) {
            assertThat(config).doesNotContain("  - job_name: " + job + "\n    scheme:");
        }
        assertThat(config.replaceAll("(?m)^ +(scheme: https|tls_config:|  ca_file: .*)\\n", ""))
                .as("nothing else changes")
                .isEqualTo(shipped);
    }

    @Test
    void aMissingServiceJobIsNamed() {
        assertThatThrownBy(() -> LocalMonitoring.httpsScrapes(
                        "scrape_configs:\n  - job_name: node-agent\n", java.nio.file.Path.of("/ca.crt")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("failover-coordinator");
    }
}
