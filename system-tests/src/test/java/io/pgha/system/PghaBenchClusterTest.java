package io.pgha.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PghaBenchClusterTest {
    @Test
    void theRepositoryIsPosixOrNone() {
        assertThat(PghaBenchCluster.repository("posix")).isEqualTo("posix");
        assertThat(PghaBenchCluster.repository(" none ")).isEqualTo("none");
        assertThatThrownBy(() -> PghaBenchCluster.repository("s3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bench.pgha.repository");
    }
}
