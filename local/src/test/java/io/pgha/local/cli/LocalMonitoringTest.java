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
}
