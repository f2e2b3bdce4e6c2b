package io.pgha.local.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.core.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalRestoreTest {
    @Test
    void oneTargetBecomesTheRestoreRequestsBody() {
        assertThat(Json.write(LocalRestore.body(List.of("restore", "--time", "2026-12-01T10:15:30Z"), "restored")))
                .isEqualTo(
                        "{\"target\":{\"time\":\"2026-12-01T10:15:30Z\"},\"destination\":{\"new_cluster\":\"restored\"}}");
        assertThat(Json.write(LocalRestore.body(List.of("restore", "--latest", "--cluster", "b"), "b")))
                .isEqualTo("{\"target\":{\"latest\":true},\"destination\":{\"new_cluster\":\"b\"}}");
    }

    @Test
    void noneOrTwoTargetsOrAMissingValueAreRefusedWithTheOptions() {
        assertThatThrownBy(() -> LocalRestore.body(List.of("restore"), "r"))
                .hasMessageContaining("give one recovery target: --time");
        assertThatThrownBy(() -> LocalRestore.body(List.of("restore", "--latest", "--lsn", "0/3000060"), "r"))
                .hasMessageContaining("give one recovery target");
        assertThatThrownBy(() -> LocalRestore.body(List.of("restore", "--time"), "r"))
                .hasMessage("--time needs a value");
    }
}
