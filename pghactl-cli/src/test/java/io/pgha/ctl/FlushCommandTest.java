package io.pgha.ctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code flush [MEMBER...] restart|switchover}: the arguments after the cluster. */
class FlushCommandTest {
    @Test
    void theLastArgumentIsWhatToFlushAndTheOthersAreMembers() {
        assertThat(FlushCommand.Target.of(List.of("restart"))).isEqualTo(new FlushCommand.Target("restart", List.of()));
        assertThat(FlushCommand.Target.of(List.of("pg-1", "pg-2", "restart")))
                .isEqualTo(new FlushCommand.Target("restart", List.of("pg-1", "pg-2")));
        assertThat(FlushCommand.Target.of(List.of("switchover")))
                .isEqualTo(new FlushCommand.Target("switchover", List.of()));
    }

    @Test
    void anythingElseIsAUsageError() {
        assertThatThrownBy(() -> FlushCommand.Target.of(List.of("pg-1")))
                .isInstanceOf(CtlException.class)
                .hasMessageContaining("restart or switchover (got 'pg-1')")
                .extracting(e -> ((CtlException) e).exitCode())
                .isEqualTo(ExitCode.USAGE);
        assertThatThrownBy(() -> FlushCommand.Target.of(List.of("pg-1", "switchover")))
                .hasMessageContaining("flush switchover takes no member (got pg-1)");
    }
}
