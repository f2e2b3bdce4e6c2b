package io.pgha.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

/** Assertions that a stopped component left nothing behind. */
final class Gone {
    private Gone() {}

    /** No process of {@code process}'s group is left and {@code port} can be bound again. */
    static void assertGone(LocalProcess process, String host, int port) {
        Wait.until(Duration.ofSeconds(10), host + ":" + port + " free", () -> Ports.isFree(host, port));
        assertThat(LocalProcess.groupAlive(process.pid()))
                .as("a process of %s is left", process)
                .isFalse();
    }
}
