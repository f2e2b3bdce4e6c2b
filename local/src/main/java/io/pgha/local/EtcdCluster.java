package io.pgha.local;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A real etcd cluster (Debian's {@code etcd-server}) of one or more members on loopback ports. Each
 * member can be stopped, killed, paused and started again, with its data kept.
 */
public final class EtcdCluster implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final List<Member> members;

    private EtcdCluster(List<Member> members) {
        this.members = members;
    }

    /** One member of the cluster. */
    public static final class Member {
        private final Workspace workspace;
        private final String name;
        private final int clientPort;
        private final int peerPort;
        private final List<String> extraClientHosts;
        private final String initialCluster;
        private LocalProcess process;

        private Member(
                Workspace workspace,
                String name,
                int clientPort,
                int peerPort,
                List<String> extraClientHosts,
                String initialCluster) {
            this.workspace = workspace;
            this.name = name;
            this.clientPort = clientPort;
            this.peerPort = peerPort;
            this.extraClientHosts = extraClientHosts;
            this.initialCluster = initialCluster;
        }

        public String name() {
            return name;
        }

        public int clientPort() {
            return clientPort;
        }

        /** {@code http://127.0.0.1:<client port>}. */
        public String endpoint() {
            return "http://" + Ports.LOOPBACK + ":" + clientPort;
        }

        /** This member's client URL on another of its listen addresses (a network namespace's host side). */
        public String endpoint(String host) {
            return "http://" + host + ":" + clientPort;
        }

        public LocalProcess process() {
            return process;
        }

        /** Starts (or starts again, keeping its data) this member; does not wait for it to be healthy. */
        public void start() {
            if (process != null && process.isAlive()) {
                throw new IllegalStateException("etcd member " + name + " is already running");
            }
            Path dataDir = workspace.dir("etcd", name);
            boolean existing = Files.exists(dataDir.resolve("member"));
            List<String> clientUrls = new ArrayList<>();
            clientUrls.add(endpoint());
            extraClientHosts.forEach(host -> clientUrls.add(endpoint(host)));
            String peerUrl = "http://" + Ports.LOOPBACK + ":" + peerPort;
            List<String> command = List.of(
                    Commands.require("etcd", "etcd-server").toString(),
                    "--name",
                    name,
                    "--data-dir",
                    dataDir.toString(),
                    "--listen-client-urls",
                    String.join(",", clientUrls),
                    "--advertise-client-urls",
                    endpoint(),
                    "--listen-peer-urls",
                    peerUrl,
                    "--initial-advertise-peer-urls",
                    peerUrl,
                    "--initial-cluster",
                    initialCluster,
                    "--initial-cluster-state",
                    existing ? "existing" : "new",
                    "--initial-cluster-token",
                    "pgha-local",
                    "--heartbeat-interval",
                    "100",
                    "--election-timeout",
                    "1000",
                    "--logger",
                    "zap");
            process = LocalProcess.start(
                    "etcd-" + name,
                    command,
                    dataDir.getParent(),
                    workspace.log("etcd-" + name),
                    "aarch64".equals(System.getProperty("os.arch"))
                            ? Map.of("ETCD_UNSUPPORTED_ARCH", "arm64")
                            : Map.of(),
                    workspace.persistent());
        }

        /** True when {@code GET /health} on this member answers {@code "health":"true"}. */
        public boolean healthy() {
            try {
                HttpResponse<String> response = HTTP.send(
                        HttpRequest.newBuilder(URI.create(endpoint() + "/health"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                return response.statusCode() == 200 && response.body().contains("\"health\":\"true\"");
            } catch (Exception e) {
                return false;
            }
        }

        /** Waits until this member reports itself healthy. */
        public void awaitHealthy(Duration timeout) {
            try {
                Wait.until(
                        timeout, "etcd member " + name + " healthy at " + endpoint(), this::healthy, process::isAlive);
            } catch (IllegalStateException e) {
                throw new IllegalStateException(
                        e.getMessage() + "\n===== last 20 lines of its log =====\n" + process.logTail(20), e);
            }
        }

        /** Orderly stop; the data stays for {@link #start()}. */
        public void stop() {
            if (process != null) {
                process.stop(Signal.TERM, Duration.ofSeconds(10));
            }
        }
    }

    /** Starts {@code size} members (1 or 3, usually) and waits until every one is healthy. */
    public static EtcdCluster start(Workspace workspace, int size) {
        return start(workspace, size, List.of());
    }

    /**
     * Like {@link #start(Workspace, int)}, with every member also listening for clients on
     * {@code extraClientHosts} (the host side of a {@link NetworkNamespace}).
     */
    public static EtcdCluster start(Workspace workspace, int size, List<String> extraClientHosts) {
        List<Integer> clientPorts = new ArrayList<>();
        List<Integer> peerPorts = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            clientPorts.add(Ports.free());
            peerPorts.add(Ports.free());
        }
        return start(workspace, clientPorts, peerPorts, extraClientHosts);
    }

    /** Starts members on the given ports (for {@code ./pgha up}, whose ports are fixed). */
    public static EtcdCluster start(
            Workspace workspace, List<Integer> clientPorts, List<Integer> peerPorts, List<String> extraClientHosts) {
        if (clientPorts.isEmpty() || clientPorts.size() != peerPorts.size()) {
            throw new IllegalArgumentException("an etcd cluster needs one client and one peer port per member");
        }
        String initialCluster = java.util.stream.IntStream.range(0, clientPorts.size())
                .mapToObj(i -> "etcd" + i + "=http://" + Ports.LOOPBACK + ":" + peerPorts.get(i))
                .collect(Collectors.joining(","));
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < clientPorts.size(); i++) {
            members.add(new Member(
                    workspace, "etcd" + i, clientPorts.get(i), peerPorts.get(i), extraClientHosts, initialCluster));
        }
        EtcdCluster cluster = new EtcdCluster(members);
        try {
            members.forEach(Member::start);
            members.forEach(member -> member.awaitHealthy(READY_TIMEOUT));
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    public List<Member> members() {
        return List.copyOf(members);
    }

    public Member member(int index) {
        return members.get(index);
    }

    /** Client URLs of all members on 127.0.0.1, as jetcd's {@code endpoints(...)} takes them. */
    public List<String> endpoints() {
        return members.stream().map(Member::endpoint).toList();
    }

    /** Client URLs of all members on another of their listen addresses. */
    public List<String> endpoints(String host) {
        return members.stream().map(member -> member.endpoint(host)).toList();
    }

    /** The processes of the running members. */
    public List<LocalProcess> processes() {
        return members.stream()
                .map(Member::process)
                .filter(p -> p != null && p.isAlive())
                .toList();
    }

    @Override
    public void close() {
        members.forEach(Member::stop);
    }
}
