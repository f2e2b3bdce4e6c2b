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
 *
 * <p>Namespaces that must reach each other (three PostgreSQL nodes) join one {@link NetworkBridge}
 * instead ({@link #create(NetworkBridge)}); {@link #block(String)} then cuts one namespace off from one
 * address (another node, or the bridge's service address where etcd listens) without touching the rest.
 */
public final class NetworkNamespace implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration IP_TIMEOUT = Duration.ofSeconds(10);

    /** A link-layer address no interface has: packets sent to it are lost (a silent cut). */
    private static final String NOWHERE = "02:00:00:00:00:01";

    private final String name;
    private final String hostInterface;
    private final String peerInterface;
    private final String hostAddress;
    private final String address;
    private boolean closed;

    private NetworkNamespace(String name, String id, String hostAddress, String address) {
        this.name = name;
        this.hostInterface = "ph" + id;
        this.peerInterface = "pn" + id;
        this.hostAddress = hostAddress;
        this.address = address;
    }

    /** Creates a namespace and its veth pair, both up. */
    public static NetworkNamespace create() {
        String id = Integer.toHexString(RANDOM.nextInt(0x1000000) | 0x1000000).substring(1);
        int block = RANDOM.nextInt(64) * 4;
        String prefix = "127.201." + RANDOM.nextInt(256) + ".";
        return setUp(new NetworkNamespace("pgha-" + id, id, prefix + (block + 1), prefix + (block + 2)), null);
    }

    /**
     * Creates a namespace whose veth pair joins {@code bridge}: it reaches the host on the bridge's
     * addresses and every other namespace of the bridge directly.
     */
    public static NetworkNamespace create(NetworkBridge bridge) {
        String id = Integer.toHexString(RANDOM.nextInt(0x1000000) | 0x1000000).substring(1);
        return setUp(new NetworkNamespace("pgha-" + id, id, bridge.hostAddress(), bridge.nextAddress()), bridge);
    }

    /** Its own /30 with the host side's address, or a /24 on {@code bridge} when there is one. */
    private static NetworkNamespace setUp(NetworkNamespace ns, NetworkBridge bridge) {
        String ip = Commands.require("ip", "iproute2").toString();
        ProcessRegistry.register(ns);
        try {
            run(ip, "netns", "add", ns.name);
            run(ip, "link", "add", ns.hostInterface, "type", "veth", "peer", "name", ns.peerInterface);
            run(ip, "link", "set", ns.peerInterface, "netns", ns.name);
            if (bridge == null) {
                run(ip, "addr", "add", ns.hostAddress + "/30", "dev", ns.hostInterface);
                run("sysctl", "-qw", "net.ipv4.conf." + ns.hostInterface + ".route_localnet=1");
                run("sysctl", "-qw", "net.ipv4.conf.all.route_localnet=1");
            } else {
                run(ip, "link", "set", ns.hostInterface, "master", bridge.name());
            }
            run(ip, "link", "set", ns.hostInterface, "up");
            List<String> inside = ns.commandPrefix();
            run(inside, ip, "link", "set", "lo", "up");
            run(inside, ip, "addr", "add", ns.address + (bridge == null ? "/30" : "/24"), "dev", ns.peerInterface);
            run(inside, "sysctl", "-qw", "net.ipv4.conf.all.route_localnet=1");
            run(inside, "sysctl", "-qw", "net.ipv4.conf." + ns.peerInterface + ".route_localnet=1");
            run(inside, ip, "link", "set", ns.peerInterface, "up");
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

    /**
     * Silently drops every packet this namespace sends to {@code address} (another namespace on the same
     * bridge, or one of the bridge's host addresses) until {@link #unblock(String)}: the other side's
     * packets still arrive. Blocking it on both sides cuts the link between the two.
     */
    public void block(String address) {
        run(
                commandPrefix(),
                Commands.require("ip", "iproute2").toString(),
                "neigh",
                "replace",
                address,
                "lladdr",
                NOWHERE,
                "nud",
                "permanent",
                "dev",
                peerInterface);
    }

    /** Undoes {@link #block(String)}. */
    public void unblock(String address) {
        List<String> command = new ArrayList<>(commandPrefix());
        command.addAll(
                List.of(Commands.require("ip", "iproute2").toString(), "neigh", "del", address, "dev", peerInterface));
        Commands.run(command, IP_TIMEOUT); // not blocked: nothing to delete
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
