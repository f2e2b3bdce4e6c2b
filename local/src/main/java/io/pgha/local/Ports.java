package io.pgha.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/** Free loopback ports and checks that a port is (no longer) in use. */
public final class Ports {
    public static final String LOOPBACK = "127.0.0.1";

    private Ports() {}

    /** Ports this JVM already handed out: the kernel may offer a just-closed port again. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    /** The lowest port {@link #free()} hands out. */
    private static final int LOWEST = 10_000;

    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    /**
     * A TCP port that is free on 127.0.0.1 right now and that this JVM has not handed out before (two
     * calls in a row, say an etcd member's client and peer port, never get the same port). It lies below
     * the kernel's ephemeral range, so no outgoing connection of any process can take it as its local
     * port between this call and the server's bind (ports the kernel picks for {@code bind(0)} come
     * from that range; one was once taken by another process's outgoing connection before the service
     * meant for it could bind it).
     */
    public static int free() {
        int ceiling = ephemeralRangeStart();
        if (ceiling - LOWEST >= 1_000) {
            for (int attempt = 0; attempt < 1_000; attempt++) {
                // a few ports of room below the range for the consecutive runs LocalPorts asks for
                int port = LOWEST + ThreadLocalRandom.current().nextInt(ceiling - LOWEST - 16);
                if (claim(port)) {
                    return port;
                }
            }
        }
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

    /** Hands out {@code port} when it is free and this JVM has not handed it out before. */
    public static boolean claim(int port) {
        return port > 0
                && port <= 65535
                && !HANDED_OUT.contains(port)
                && isFree(LOOPBACK, port)
                && HANDED_OUT.add(port);
    }

    /** The first port of the kernel's ephemeral range (0 when unknown). */
    public static int ephemeralRangeStart() {
        // read line by line: Files.readString returned a wrong value for this /proc file
        try (BufferedReader reader = Files.newBufferedReader(EPHEMERAL_RANGE)) {
            return Integer.parseInt(reader.readLine().strip().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
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
