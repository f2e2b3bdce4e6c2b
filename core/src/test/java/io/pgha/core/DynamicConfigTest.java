package io.pgha.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DynamicConfigTest {
    @Test
    void defaultsAreValidAndMatchPatroni() {
        DynamicConfig d = DynamicConfig.DEFAULTS;
        assertThat(d.problems()).isEmpty();
        assertThat(d.ttl()).isEqualTo(10);
        assertThat(d.loopWait()).isEqualTo(1);
        assertThat(d.retryTimeout()).isEqualTo(3);
        assertThat(d.primaryStartTimeout()).isEqualTo(10);
        assertThat(d.maximumLagOnFailover()).isEqualTo(1048576);
        assertThat(d.usePgRewind()).isTrue();
    }

    @Test
    void loopWaitPlusTwiceRetryTimeoutMustStayBelowTtl() {
        DynamicConfig tooShort = new DynamicConfig(7, 1, 3, 10, 0, true);
        assertThatThrownBy(tooShort::validated)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("loop_wait=1")
                .hasMessageContaining("retry_timeout=3")
                .hasMessageContaining("ttl=7");
        assertThat(new DynamicConfig(8, 1, 3, 10, 0, true).problems()).isEmpty();
    }

    @Test
    void nonPositiveTimesNameTheProperty() {
        assertThat(new DynamicConfig(10, 0, 3, 10, 0, true).problems())
                .singleElement()
                .asString()
                .contains("loop_wait");
        assertThat(new DynamicConfig(10, 1, 3, -1, 0, true).problems())
                .singleElement()
                .asString()
                .contains("primary_start_timeout");
    }

    @Test
    void jsonRoundTripsWithPatroniNamesAndMissingFieldsTakeDefaults() {
        String json = DynamicConfig.DEFAULTS.toJson();
        assertThat(json).contains("\"loop_wait\":1").contains("\"use_pg_rewind\":true");
        assertThat(DynamicConfig.fromJson(json)).isEqualTo(DynamicConfig.DEFAULTS);
        DynamicConfig partial = DynamicConfig.fromJson("{\"ttl\":20,\"maximum_lag_on_failover\":\"16MB\",\"x\":1}");
        assertThat(partial.ttl()).isEqualTo(20);
        assertThat(partial.maximumLagOnFailover()).isEqualTo(16L << 20);
        assertThat(partial.loopWait()).isEqualTo(1);
    }

    @Test
    void badJsonNamesTheField() {
        assertThatThrownBy(() -> DynamicConfig.fromJson("{\"ttl\":\"soon\"}")).hasMessageContaining("ttl");
        assertThatThrownBy(() -> DynamicConfig.fromJson("[1]")).hasMessageContaining("JSON object");
    }
}
