package io.pgha.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.local.Wait;
import io.pgha.system.OpenLoop.Attempt;
import io.pgha.system.OpenLoop.Outcome;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The open-loop writer's clock, pool and timeout against plain sockets: no database. */
class OpenLoopWriterTest {
    @Test
    void attemptsStartEveryIntervalAndAreGivenUpAfterTheTimeoutWhenNothingAnswers() throws IOException {
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 200, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!silent.isClosed()) {
                    try {
                        held.add(silent.accept()); // accepted, never answered
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            OpenLoopWriter writer = new OpenLoopWriter("127.0.0.1", silent.getLocalPort(), "u", "p", "t");
            writer.startAttempts();
            Wait.until(Duration.ofSeconds(20), "10 attempts started", () -> writer.started() >= 10);

            List<Attempt> attempts = writer.stop();

            assertThat(attempts).hasSizeGreaterThanOrEqualTo(10);
            assertThat(attempts).allSatisfy(a -> {
                assertThat(a.outcome()).isEqualTo(Outcome.TIMED_OUT);
                assertThat(Duration.ofNanos(a.latencyNanos())).isGreaterThanOrEqualTo(OpenLoopWriter.TIMEOUT);
            });
            assertThat(writer.acknowledged()).isZero();
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void aRefusedConnectionIsAFailedAttempt() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        OpenLoopWriter writer = new OpenLoopWriter("127.0.0.1", closed, "u", "p", "t").startAttempts();
        Wait.until(
                Duration.ofSeconds(20),
                "5 attempts ended",
                () -> writer.attempts().size() >= 5);

        List<Attempt> attempts = writer.stop();

        assertThat(attempts).isNotEmpty().allSatisfy(a -> assertThat(a.outcome())
                .isEqualTo(Outcome.FAILED));
        assertThat(attempts.get(0).detail()).contains("PSQLException");
        assertThat(writer.lastFailureNanos()).isPositive();
    }
}
