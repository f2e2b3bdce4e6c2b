package io.pgha.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
    private static final String TEXT =
            """
            # HELP patroni_primary Value is 1 if this node is the leader, 0 otherwise.
            # TYPE patroni_primary gauge
            patroni_primary{scope="main",name="pg-0"} 1
            patroni_primary{scope="main",name="pg-1"} 0
            haproxy_backend_current_sessions{proxy="main_rw"} 3 1700000000000
            jvm_threads_live_threads 12.0
            odd{a="x,y=\\"z\\"",b="line\\nnext"} NaN
            """;

    @Test
    void readsValuesByNameAndLabels() {
        assertThat(PrometheusText.value(TEXT, "patroni_primary", Map.of("name", "pg-0")))
                .contains(1.0);
        assertThat(PrometheusText.value(TEXT, "patroni_primary", Map.of("scope", "main", "name", "pg-1")))
                .contains(0.0);
        assertThat(PrometheusText.value(TEXT, "patroni_primary", Map.of("name", "pg-9")))
                .isEmpty();
        assertThat(PrometheusText.value(TEXT, "haproxy_backend_current_sessions", Map.of()))
                .as("a timestamp after the value")
                .contains(3.0);
        assertThat(PrometheusText.value(TEXT, "jvm_threads_live_threads", Map.of()))
                .contains(12.0);
        assertThat(PrometheusText.parse(TEXT)).hasSize(5);
    }

    @Test
    void readsEscapedLabelValues() {
        PrometheusText.Sample odd = PrometheusText.parse(TEXT).get(4);
        assertThat(odd.labels()).containsEntry("a", "x,y=\"z\"").containsEntry("b", "line\nnext");
        assertThat(odd.value()).isNaN();
    }

    @Test
    void refusesALineThatIsNoSample() {
        assertThatThrownBy(() -> PrometheusText.parse("patroni_primary{scope=\"main\" 1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PrometheusText.parse("justaname")).isInstanceOf(IllegalArgumentException.class);
    }
}
