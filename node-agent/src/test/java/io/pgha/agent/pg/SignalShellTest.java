package io.pgha.agent.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SignalShellTest {
    @Test
    void theShellRunsTheBuiltinKillAndPrintsItsStatus() {
        assertThat(SignalShell.command(4242, "INT")).isEqualTo("kill -s INT 4242; echo \"$?\"\n");
    }

    @Test
    void onlyASignalNameAndAPositivePidGetIntoTheShell() {
        assertThatThrownBy(() -> SignalShell.command(4242, "INT; rm -rf /"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a signal name");
        assertThatThrownBy(() -> SignalShell.command(4242, "int")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SignalShell.command(0, "INT"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a process id");
        assertThatThrownBy(() -> SignalShell.command(-1, "KILL")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theStatusLineIsAnExitCodeOrNothing() {
        assertThat(SignalShell.status("0")).contains(0);
        assertThat(SignalShell.status("1\n")).contains(1);
        assertThat(SignalShell.status(null)).isEmpty(); // the shell is gone
        assertThat(SignalShell.status("bash: kill: oops")).isEmpty();
    }

    @Test
    void aSignalReachesTheProcessThroughTheKeptShellAndASecondOneReusesIt() throws Exception {
        Process first = new ProcessBuilder("sleep", "60").start();
        Process second = new ProcessBuilder("sleep", "60").start();
        try (SignalShell shell = new SignalShell()) {
            assertThat(shell.send(first.pid(), "TERM")).contains(0);
            assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(shell.send(second.pid(), "KILL")).contains(0);
            assertThat(second.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(second.exitValue()).isEqualTo(128 + 9);
        } finally {
            first.destroyForcibly();
            second.destroyForcibly();
        }
    }

    @Test
    void aProcessThatIsGoneGivesANonZeroStatusNotAnException() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor(10, TimeUnit.SECONDS);
        try (SignalShell shell = new SignalShell()) {
            assertThat(shell.send(gone.pid(), "INT"))
                    .hasValueSatisfying(s -> assertThat(s).isNotZero());
        }
    }

    @Test
    void aClosedShellLeavesTheSignalToTheForkedKill() {
        SignalShell shell = new SignalShell();
        shell.close();
        assertThat(shell.start()).isFalse();
        assertThat(shell.send(ProcessHandle.current().pid(), "CONT")).isEqualTo(Optional.empty());
    }
}
