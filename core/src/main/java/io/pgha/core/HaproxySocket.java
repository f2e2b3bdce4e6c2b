package io.pgha.core;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The one HAProxy CLI client: sends one command to a master socket ({@code -S}: {@code show proc},
 * {@code reload}) or a runtime API socket ({@code stats socket}: {@code set server ...}, {@code show
 * servers state}) and reads the answer until HAProxy closes the connection. Used by config-renderer,
 * by {@code local/} and by the tests.
 */
public final class HaproxySocket {
    private HaproxySocket() {}

    /**
     * The answer to {@code command} on {@code socket} (empty when HAProxy answered nothing).
     *
     * @throws IOException when the socket cannot be reached or does not answer within {@code timeout}
     */
    public static String send(Path socket, String command, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                Selector selector = Selector.open()) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer out = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                channel.write(out);
            }
            channel.shutdownOutput(); // without "prompt", HAProxy answers one command and closes
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            StringBuilder answer = new StringBuilder();
            while (true) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new IOException(
                            "no answer to '" + command + "' on " + socket + " within " + timeout.toMillis() + " ms");
                }
                selector.select(left);
                int read = channel.read(buffer);
                if (read < 0) {
                    return answer.toString();
                }
                buffer.flip();
                answer.append(StandardCharsets.UTF_8.decode(buffer));
                buffer.clear();
            }
        }
    }
}
