package io.pgha.local;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A network namespace of this test's own, joined to the host by a veth pair with loopback-range
 * addresses (127.201.x.y/30 with {@code route_localnet}), so that a process started in it can be cut
 * off the network and reconnected. Needs root (CAP_NET_ADMIN).
 *
 * <p>The host side of the pair is {@link #hostAddress()}: servers that the namespaced process must
 * reach listen there too (see {@link EtcdCluster#start(Workspace, int, List)}). The process inside
 * listens on {@link #address()}.
 */
public final class NetworkNamespace implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration IP_TIMEOUT = Duration.ofSeconds(10);

    private final String name;
    private final String hostInterface;
    private final String hostAddress;
    private final String address;
    private boolean closed;

    private NetworkNamespace(String name, String hostInterface, String hostAddress, String address) {
        this.name = name;
        this.hostInterface = hostInterface;
        this.hostAddress = hostAddress;
        this.address = address;
    }

    /** Creates a namespace and its veth pair, both up. */
    public static NetworkNamespace create() {
        String ip = Commands.require("ip", "iproute2").toString();
        String id = Integer.toHexString(RANDOM.nextInt(0x1000000) | 0x1000000).substring(1);
        int block = RANDOM.nextInt(64) * 4;
        String prefix = "127.201." + RANDOM.nextInt(256) + ".";
        NetworkNamespace ns = new NetworkNamespace("pgha-" + id, "ph" + id, prefix + (block + 1), prefix + (block + 2));
        String peer = "pn" + id;
        ProcessRegistry.register(ns);
        try {
            run(ip, "netns", "add", ns.name);
            run(ip, "link", "add", ns.hostInterface, "type", "veth", "peer", "name", peer);
            run(ip, "link", "set", peer, "netns", ns.name);
            run(ip, "addr", "add", ns.hostAddress + "/30", "dev", ns.hostInterface);
            run("sysctl", "-qw", "net.ipv4.conf." + ns.hostInterface + ".route_localnet=1");
            run("sysctl", "-qw", "net.ipv4.conf.all.route_localnet=1");
            run(ip, "link", "set", ns.hostInterface, "up");
            List<String> inside = ns.commandPrefix();
            run(inside, ip, "link", "set", "lo", "up");
            run(inside, ip, "addr", "add", ns.address + "/30", "dev", peer);
            run(inside, "sysctl", "-qw", "net.ipv4.conf.all.route_localnet=1");
            run(inside, "sysctl", "-qw", "net.ipv4.conf." + peer + ".route_localnet=1");
            run(inside, ip, "link", "set", peer, "up");
            return ns;
        } catch (RuntimeException e) {
            ns.close();
            throw new IllegalStateException("could not create a network namespace (needs root): " + e.getMessage(), e);
        }
    }

    public String name() {
        return name;
    }

    /** The address of the namespace's side: a process inside listens here. */
    public String address() {
        return address;
    }

    /** The address of the host's side: what the process inside reaches the host's servers on. */
    public String hostAddress() {
        return hostAddress;
    }

    /** What to put before a command so that it runs inside this namespace. */
    public List<String> commandPrefix() {
        return List.of(Commands.require("ip", "iproute2").toString(), "netns", "exec", name);
    }

    /** Cuts the link: nothing crosses between the namespace and the host until {@link #restore()}. */
    public void cut() {
        run(Commands.require("ip", "iproute2").toString(), "link", "set", hostInterface, "down");
    }

    /** Reconnects the namespace after {@link #cut()}. */
    public void restore() {
        run(Commands.require("ip", "iproute2").toString(), "link", "set", hostInterface, "up");
    }

    /** Deletes the veth pair and the namespace. Stop the processes in it first. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        String ip = Commands.require("ip", "iproute2").toString();
        Commands.run(List.of(ip, "link", "del", hostInterface), IP_TIMEOUT);
        Commands.run(List.of(ip, "netns", "del", name), IP_TIMEOUT);
        ProcessRegistry.unregister(this);
    }

    private static void run(String... command) {
        Commands.run(List.of(command), IP_TIMEOUT).orThrow();
    }

    private static void run(List<String> prefix, String... command) {
        List<String> full = new ArrayList<>(prefix);
        full.addAll(List.of(command));
        Commands.run(full, IP_TIMEOUT).orThrow();
    }

    @Override
    public String toString() {
        return "network namespace " + name + " (" + address + " <-> host " + hostAddress + ")";
    }
}
