package io.pgha.renderer.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.pgha.local.Wait;
import io.pgha.renderer.haproxy.HaproxyControl.Validation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code haproxy -c} through {@link ProcessHaproxyControl} with a fake {@code haproxy} (a shell script)
 * that hangs: the validate timeout must bound it, and nothing it started may outlive it.
 */
class ProcessHaproxyControlIT {
    private static final Duration VALIDATE_TIMEOUT = Duration.ofMillis(500);

    /** Far below the script's 300 s, above the timeout plus killing and reaping. */
    private static final Duration BOUND = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @AfterEach
    void killLeftovers() throws IOException {
        // processes this test started, by their recorded PIDs
        for (long pid : pids()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void aHungCheckWhoseChildrenKeepItsOutputOpenIsStoppedAtTheTimeout() throws IOException {
        ProcessHaproxyControl control = control(
                fakeHaproxy(
                        """
                        echo "checking $3"
                        sleep 300 &
                        echo $! >> "$(dirname "$0")/pids"
                        sleep 300 &
                        echo $! >> "$(dirname "$0")/pids"
                        wait
                        """));

        long started = System.nanoTime();
        Validation validation = assertTimeoutPreemptively(BOUND, () -> control.validate("global\n"));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(validation.valid()).isFalse();
        assertThat(validation.output()).contains("did not finish within 500 ms", "checking");
        assertThat(took).isGreaterThanOrEqualTo(VALIDATE_TIMEOUT);
        List<Long> pids = pids();
        assertThat(pids).hasSize(3);
        Wait.until(BOUND, "the fake haproxy and its children killed", () -> pids.stream()
                .noneMatch(
                        pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
    }

    @Test
    void aCheckThatExitsWhileAChildKeepsItsOutputOpenReturnsAtOnce() throws IOException {
        ProcessHaproxyControl control = control(
                fakeHaproxy(
                        """
                        echo "Configuration file is valid"
                        sleep 300 &
                        echo $! >> "$(dirname "$0")/pids"
                        exit 0
                        """));

        Validation validation = assertTimeoutPreemptively(BOUND, () -> control.validate("global\n"));

        assertThat(validation.valid()).isTrue();
        assertThat(validation.output()).contains("Configuration file is valid");
    }

    @Test
    void aRefusedConfigurationIsInvalidWithHaproxysOutput() throws IOException {
        ProcessHaproxyControl control = control(fakeHaproxy("echo '[ALERT] parsing error' >&2\nexit 1\n"));

        Validation validation = assertTimeoutPreemptively(BOUND, () -> control.validate("global\n"));

        assertThat(validation.valid()).isFalse();
        assertThat(validation.output()).isEqualTo("[ALERT] parsing error");
    }

    private ProcessHaproxyControl control(Path binary) {
        return new ProcessHaproxyControl(
                binary.toString(),
                dir.resolve("haproxy.cfg"),
                dir.resolve("master.sock"),
                dir.resolve("runtime.sock"),
                null,
                VALIDATE_TIMEOUT,
                Duration.ofSeconds(1));
    }

    private Path fakeHaproxy(String body) throws IOException {
        Path script = dir.resolve("haproxy");
        Files.writeString(script, "#!/bin/sh\necho $$ >> \"$(dirname \"$0\")/pids\"\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    private List<Long> pids() throws IOException {
        Path file = dir.resolve("pids");
        if (!Files.exists(file)) {
            return List.of();
        }
        return Files.readAllLines(file).stream()
                .filter(line -> !line.isBlank())
                .map(line -> Long.parseLong(line.strip()))
                .toList();
    }
}
