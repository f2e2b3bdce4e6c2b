package io.pgha.local;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;

/**
 * A Linux bridge on the host that several {@link NetworkNamespace}s join, so that processes in
 * different namespaces reach each other directly (loopback-range addresses are never routed between
 * interfaces, but a bridge switches them) and the host on {@link #hostAddress()}. Addresses are
 * 127.203.x.0/24 with {@code route_localnet}. Needs root (CAP_NET_ADMIN).
 *
 * <p>The host side has a second address, {@link #serviceAddress()}, for a server that a namespace must
 * be cut off from on its own (etcd): {@link NetworkNamespace#block(String)} of that address leaves the
 * namespace's other traffic alone.
 */
public final class NetworkBridge implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration IP_TIMEOUT = Duration.ofSeconds(10);

    private final String name;
    private final String prefix;
    private int nextHost = 2;
    private boolean closed;

    private NetworkBridge(String name, String prefix) {
        this.name = name;
        this.prefix = prefix;
    }

    /** Creates the bridge, up, with its two host addresses. */
    public static NetworkBridge create() {
        String ip = Commands.require("ip", "iproute2").toString();
        String id = Integer.toHexString(RANDOM.nextInt(0x1000000) | 0x1000000).substring(1);
        NetworkBridge bridge = new NetworkBridge("pb" + id, "127.203." + RANDOM.nextInt(256) + ".");
        ProcessRegistry.register(bridge);
        try {
            run(ip, "link", "add", bridge.name, "type", "bridge");
            run(ip, "addr", "add", bridge.hostAddress() + "/24", "dev", bridge.name);
            run(ip, "addr", "add", bridge.serviceAddress() + "/32", "dev", bridge.name);
            run("sysctl", "-qw", "net.ipv4.conf." + bridge.name + ".route_localnet=1");
            run("sysctl", "-qw", "net.ipv4.conf.all.route_localnet=1");
            run(ip, "link", "set", bridge.name, "up");
            return bridge;
        } catch (RuntimeException e) {
            bridge.close();
            throw new IllegalStateException("could not create a network bridge (needs root): " + e.getMessage(), e);
        }
    }

    public String name() {
        return name;
    }

    /** The host's address on the bridge: what the host's connections to a namespace come from. */
    public String hostAddress() {
        return prefix + "1";
    }

    /** The host's second address, for a server namespaces can be cut off from on its own. */
    public String serviceAddress() {
        return prefix + "254";
    }

    /** The next free address for a namespace joining the bridge. */
    synchronized String nextAddress() {
        if (nextHost > 250) {
            throw new IllegalStateException("bridge " + name + " has no free address left");
        }
        return prefix + nextHost++;
    }

    /** Deletes the bridge. Close the namespaces that joined it first. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Commands.run(List.of(Commands.require("ip", "iproute2").toString(), "link", "del", name), IP_TIMEOUT);
        ProcessRegistry.unregister(this);
    }

    private static void run(String... command) {
        Commands.run(List.of(command), IP_TIMEOUT).orThrow();
    }

    @Override
    public String toString() {
        return "network bridge " + name + " (" + prefix + "0/24)";
    }
}
