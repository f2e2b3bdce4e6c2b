package io.pgha.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code ./pgha} entry point's answers to bad input. */
class PghaScriptIT {
    private static final Path SCRIPT = Path.of("..", "pgha").toAbsolutePath().normalize();

    @Test
    void unknownSubcommandPrintsUsageAndExitsTwo() {
        assertThat(Files.isExecutable(SCRIPT)).as(SCRIPT + " executable").isTrue();
        Commands.Result result = Commands.run(List.of(SCRIPT.toString(), "frobnicate"), Duration.ofSeconds(20));
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output()).contains("unknown command 'frobnicate'").contains("usage: ./pgha");
    }

    @Test
    void noSubcommandPrintsUsageAndExitsTwo() {
        Commands.Result result = Commands.run(List.of(SCRIPT.toString()), Duration.ofSeconds(20));
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output())
                .contains("./pgha <command>")
                .contains("test")
                .contains("up");
    }
}
