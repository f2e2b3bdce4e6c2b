package io.pgha.local.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgha.local.Ports;
import java.util.HashSet;
import org.junit.jupiter.api.Test;

class LocalPortsTest {
    @Test
    void defaultsAreTheDocumentedOnes() {
        LocalPorts ports = LocalPorts.defaults();
        assertThat(ports.readWrite()).isEqualTo(5000);
        assertThat(ports.readOnly()).isEqualTo(5001);
        assertThat(ports.haproxyStats()).isEqualTo(7000);
        assertThat(ports.etcdClient()).isEqualTo(23790);
        assertThat(ports.kafka()).isEqualTo(29092);
        assertThat(ports.postgres(2)).isEqualTo(15434);
        assertThat(ports.agent(0)).isEqualTo(8008);
        assertThat(ports.coordinator(1)).isEqualTo(8021);
        assertThat(ports.alertService()).isEqualTo(8094);
        assertThat(ports.prometheus()).isEqualTo(9090);
        assertThat(ports.alertmanager()).isEqualTo(9093);
        assertThat(new HashSet<>(ports.all().values()))
                .hasSameSizeAs(ports.all().values());
    }

    @Test
    void freePortsLieBelowTheKernelsEphemeralRange() {
        int ephemeral = Ports.ephemeralRangeStart();
        assumeTrue(ephemeral > 11_000, "an ephemeral range that starts above 11000");
        assertThat(LocalPorts.free().all().values())
                .allSatisfy(port -> assertThat(port).isBetween(10_000, ephemeral - 1));
        assertThat(LocalPorts.defaults().all().values())
                .allSatisfy(
                        port -> assertThat(port).as("a fixed port of ./pgha up").isLessThan(ephemeral));
    }

    @Test
    void freePortsAreAllDifferent() {
        LocalPorts ports = LocalPorts.free();
        assertThat(ports.all()).hasSize(8 + 2 * LocalPorts.NODES + LocalPorts.COORDINATORS + 6);
        assertThat(new HashSet<>(ports.all().values()))
                .hasSameSizeAs(ports.all().values());
    }
}
