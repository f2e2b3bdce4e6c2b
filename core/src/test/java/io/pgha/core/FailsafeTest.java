package io.pgha.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FailsafeTest {
    @Test
    void roundTripsInPatronisShapeSortedByName() {
        Failsafe f =
                new Failsafe(Map.of("pg-1", "http://127.0.0.1:8009/patroni", "pg-0", "http://127.0.0.1:8008/patroni"));
        assertThat(f.toJson())
                .isEqualTo("{\"pg-0\":\"http://127.0.0.1:8008/patroni\",\"pg-1\":\"http://127.0.0.1:8009/patroni\"}");
        assertThat(Failsafe.fromJson(f.toJson())).isEqualTo(f);
        assertThat(f.contains("pg-0")).isTrue();
        assertThat(f.contains("pg-2")).isFalse();
    }

    @Test
    void aBadKeySaysWhatIsWrong() {
        assertThatThrownBy(() -> Failsafe.fromJson("[1]")).hasMessageContaining("failsafe key");
        assertThatThrownBy(() -> Failsafe.fromJson("{\"../x\":\"u\"}")).hasMessageContaining("failsafe member");
    }
}
