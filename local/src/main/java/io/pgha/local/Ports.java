package io.pgha.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Free loopback ports and checks that a port is (no longer) in use. */
public final class Ports {
    public static final String LOOPBACK = "127.0.0.1";

    private Ports() {}

    /** Ports this JVM already handed out: the kernel may offer a just-closed port again. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    /**
     * A TCP port that is free on 127.0.0.1 right now and that this JVM has not handed out before (two
     * calls in a row, say an etcd member's client and peer port, never get the same port).
     */
    public static int free() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
                socket.setReuseAddress(true);
                port = socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("no free TCP port on " + LOOPBACK, e);
            }
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no TCP port on " + LOOPBACK + " that was not handed out before");
    }

    /** True when nothing listens on {@code host:port} and it can be bound. */
    public static boolean isFree(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** True when a TCP connection to {@code host:port} succeeds within {@code timeout}. */
    public static boolean accepts(String host, int port, Duration timeout) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Fails with a message naming the port and its user when {@code port} is taken. */
    public static void requireFree(String host, int port, String purpose) {
        if (!isFree(host, port)) {
            throw new IllegalStateException("port " + host + ":" + port + " (" + purpose
                    + ") is already in use: stop what listens there (ss -ltnp 'sport = :" + port + "')");
        }
    }
}
