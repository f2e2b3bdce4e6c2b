package io.pgha.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandsTest {
    @Test
    void aMissingBinaryNamesThePackageThatProvidesIt() {
        assertThatThrownBy(() -> Commands.require("pgha-no-such-binary", "etcd-server"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pgha-no-such-binary not found")
                .hasMessageContaining("Debian package etcd-server")
                .hasMessageContaining("apt-get install etcd-server");
        assertThatThrownBy(() -> Commands.require(Path.of("/nonexistent/bin"), "initdb", "postgresql-15"))
                .hasMessageContaining("/nonexistent/bin/initdb not found")
                .hasMessageContaining("postgresql-15");
    }

    @Test
    void aFailedCommandReportsItsExitCodeAndOutput() {
        Commands.Result result = Commands.run(List.of("sh", "-c", "echo broken; exit 3"), Duration.ofSeconds(10));
        assertThat(result.exitCode()).isEqualTo(3);
        assertThatThrownBy(result::orThrow).hasMessageContaining("exit 3").hasMessageContaining("broken");
    }
}
