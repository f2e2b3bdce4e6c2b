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
        assertThat(d.synchronousMode()).isFalse();
        assertThat(d.synchronousModeStrict()).isFalse();
        assertThat(d.synchronousNodeCount()).isEqualTo(1);
        assertThat(d.pause()).isFalse();
    }

    @Test
    void theShortConstructorLeavesSynchronousModeAndPauseAtTheirDefaults() {
        DynamicConfig d = new DynamicConfig(20, 2, 5, 30, 0, false);
        assertThat(d.synchronousMode()).isFalse();
        assertThat(d.synchronousModeStrict()).isFalse();
        assertThat(d.synchronousNodeCount()).isEqualTo(1);
        assertThat(d.pause()).isFalse();
    }

    @Test
    void synchronousModeAndPauseAreReadWithPatroniNames() {
        DynamicConfig d = DynamicConfig.fromJson(
                "{\"synchronous_mode\":true,\"synchronous_mode_strict\":true,\"synchronous_node_count\":2,"
                        + "\"pause\":true}");
        assertThat(d.synchronousMode()).isTrue();
        assertThat(d.synchronousModeStrict()).isTrue();
        assertThat(d.synchronousNodeCount()).isEqualTo(2);
        assertThat(d.pause()).isTrue();
        assertThat(d.ttl()).isEqualTo(10);
        assertThat(d.problems()).isEmpty();

        String json = d.toJson();
        assertThat(json)
                .contains("\"synchronous_mode\":true")
                .contains("\"synchronous_mode_strict\":true")
                .contains("\"synchronous_node_count\":2")
                .contains("\"pause\":true");
        assertThat(DynamicConfig.fromJson(json)).isEqualTo(d);
    }

    @Test
    void nullSynchronousFieldsTakeTheirDefaults() {
        DynamicConfig d =
                DynamicConfig.fromJson("{\"synchronous_mode\":null,\"synchronous_node_count\":null,\"pause\":null}");
        assertThat(d).isEqualTo(DynamicConfig.DEFAULTS);
    }

    @Test
    void aSynchronousNodeCountBelowOneNamesTheProperty() {
        DynamicConfig zero = DynamicConfig.fromJson("{\"synchronous_mode\":true,\"synchronous_node_count\":0}");
        assertThat(zero.problems()).singleElement().asString().contains("synchronous_node_count");
        assertThatThrownBy(zero::validated)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("synchronous_node_count");
        assertThat(new DynamicConfig(10, 1, 3, 10, 0, true, true, false, -1, false).problems())
                .singleElement()
                .asString()
                .contains("synchronous_node_count");
    }

    @Test
    void aStringWhereABooleanBelongsNamesTheField() {
        for (String field : new String[] {"synchronous_mode", "synchronous_mode_strict", "pause", "use_pg_rewind"}) {
            assertThatThrownBy(() -> DynamicConfig.fromJson("{\"" + field + "\":\"true\"}"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(field);
        }
        assertThatThrownBy(() -> DynamicConfig.fromJson("{\"synchronous_node_count\":\"2\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("synchronous_node_count");
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

    @Test
    void everyTimeHasAnUpperBoundNamingThePropertyAndTheBound() {
        assertThat(DynamicConfig.problemsIn("{\"ttl\":3601,\"loop_wait\":1}"))
                .singleElement()
                .asString()
                .contains("ttl")
                .contains("3600");
        assertThat(DynamicConfig.problemsIn("{\"ttl\":3600,\"loop_wait\":301}"))
                .singleElement()
                .asString()
                .contains("loop_wait")
                .contains("300");
        assertThat(DynamicConfig.problemsIn("{\"ttl\":3600,\"retry_timeout\":601}"))
                .singleElement()
                .asString()
                .contains("retry_timeout")
                .contains("600");
        assertThat(DynamicConfig.problemsIn("{\"primary_start_timeout\":3601}"))
                .singleElement()
                .asString()
                .contains("primary_start_timeout");
        assertThat(DynamicConfig.problemsIn("{\"synchronous_node_count\":33}"))
                .singleElement()
                .asString()
                .contains("synchronous_node_count")
                .contains("32");
        assertThat(DynamicConfig.problemsIn("{\"ttl\":3600,\"loop_wait\":300,\"retry_timeout\":600,"
                        + "\"primary_start_timeout\":3600,\"synchronous_node_count\":32,"
                        + "\"maximum_lag_on_failover\":\"1TB\"}"))
                .isEmpty();
    }

    @Test
    void theLagHasAnUpperBoundAndMustBeAWholeNumberOfBytes() {
        assertThat(DynamicConfig.problemsIn("{\"maximum_lag_on_failover\":\"2TB\"}"))
                .singleElement()
                .asString()
                .contains("maximum_lag_on_failover");
        assertThat(DynamicConfig.problemsIn("{\"maximum_lag_on_failover\":1e30}"))
                .singleElement()
                .asString()
                .contains("maximum_lag_on_failover");
        assertThat(DynamicConfig.problemsIn("{\"maximum_lag_on_failover\":1.5}"))
                .singleElement()
                .asString()
                .contains("maximum_lag_on_failover");
        assertThat(DynamicConfig.problemsIn("{\"maximum_lag_on_failover\":{}}"))
                .singleElement()
                .asString()
                .contains("maximum_lag_on_failover");
    }

    @Test
    void unknownKeysAreAProblemNamingThemAndHowToRemoveAStoredOne() {
        assertThat(DynamicConfig.problemsIn("{\"ttl\":20,\"tll\":5,\"postgresql\":{\"x\":1}}"))
                .singleElement()
                .asString()
                .contains("'postgresql'")
                .contains("'tll'")
                .contains("loop_wait")
                .contains("null");
        assertThat(DynamicConfig.unknownKeys("{\"ttl\":20,\"pause\":true}")).isEmpty();
    }

    @Test
    void readersIgnoreUnknownKeys() {
        assertThat(DynamicConfig.fromJson("{\"ttl\":20,\"tll\":5}").ttl()).isEqualTo(20);
    }
}
