package io.pgha.local;

import io.pgha.core.EtcdRoles;
import io.pgha.core.store.EtcdAccess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A real etcd cluster (Debian's {@code etcd-server}) of one or more members on loopback ports. Each
 * member can be stopped, killed, paused and started again, with its data kept.
 *
 * <p>With {@link #startTls} the members serve clients on {@code https://127.0.0.1} only to clients with a
 * certificate of the given authority ({@code --client-cert-auth}); peers talk TLS with client
 * certificates too; {@code /health} is served on a separate plain-http metrics port on 127.0.0.1.
 * {@link #clientProperties} gives a service the {@code pgha.etcd.*} properties of one principal, and
 * {@link #enableAuth} turns on etcd's RBAC with pgha's role set ({@link EtcdRoles}).
 */
public final class EtcdCluster implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private static final Duration ETCDCTL_TIMEOUT = Duration.ofSeconds(20);

    private final List<Member> members;
    private final Optional<Tls> tls;

    private EtcdCluster(List<Member> members, Optional<Tls> tls) {
        this.members = members;
        this.tls = tls;
    }

    /** TLS of a cluster: the authority every party trusts and the members' server certificate. */
    public record Tls(Certificates authority, Certificates.Issued server) {}

    /** One member of the cluster. */
    public static final class Member {
        private final Workspace workspace;
        private final String name;
        private final int clientPort;
        private final int peerPort;
        private final List<String> extraClientHosts;
        private final String initialCluster;
        private final Optional<Tls> tls;
        private final int metricsPort;
        private LocalProcess process;

        private Member(
                Workspace workspace,
                String name,
                int clientPort,
                int peerPort,
                List<String> extraClientHosts,
                String initialCluster,
                Optional<Tls> tls) {
            this.workspace = workspace;
            this.tls = tls;
            this.metricsPort = Ports.free();
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

        /** {@code http://127.0.0.1:<client port>} ({@code https://} with TLS). */
        public String endpoint() {
            return endpoint(Ports.LOOPBACK);
        }

        /** This member's client URL on another of its listen addresses (a network namespace's host side). */
        public String endpoint(String host) {
            return scheme(tls) + "://" + host + ":" + clientPort;
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
            String peerUrl = scheme(tls) + "://" + Ports.LOOPBACK + ":" + peerPort;
            List<String> command = new ArrayList<>(List.of(
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
                    "--listen-metrics-urls",
                    "http://" + Ports.LOOPBACK + ":" + metricsPort,
                    "--logger",
                    "zap"));
            tls.ifPresent(t -> command.addAll(List.of(
                    "--cert-file",
                    t.server().cert().toString(),
                    "--key-file",
                    t.server().key().toString(),
                    "--client-cert-auth",
                    "--trusted-ca-file",
                    t.server().ca().toString(),
                    "--peer-cert-file",
                    t.server().cert().toString(),
                    "--peer-key-file",
                    t.server().key().toString(),
                    "--peer-client-cert-auth",
                    "--peer-trusted-ca-file",
                    t.server().ca().toString())));
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

        /** True when {@code GET /health} (on the plain-http metrics port) answers {@code "health":"true"}. */
        public boolean healthy() {
            try {
                HttpResponse<String> response = HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://" + Ports.LOOPBACK + ":" + metricsPort + "/health"))
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

    /**
     * Starts {@code size} members with TLS: server certificates issued by {@code authority}, clients
     * (and peers) must show a certificate of it; waits until every one is healthy.
     */
    public static EtcdCluster startTls(Workspace workspace, int size, Certificates authority) {
        List<Integer> clientPorts = new ArrayList<>();
        List<Integer> peerPorts = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            clientPorts.add(Ports.free());
            peerPorts.add(Ports.free());
        }
        Tls tls = new Tls(authority, authority.issue("etcd-server", List.of(Ports.LOOPBACK)));
        return start(workspace, clientPorts, peerPorts, List.of(), Optional.of(tls));
    }

    /**
     * Starts members on the given ports with TLS (for {@code ./pgha up}): a server certificate of {@code
     * authority} naming loopback and {@code extraClientHosts}; clients and peers must show a certificate
     * of it.
     */
    public static EtcdCluster startTls(
            Workspace workspace,
            List<Integer> clientPorts,
            List<Integer> peerPorts,
            List<String> extraClientHosts,
            Certificates authority) {
        List<String> ips = new ArrayList<>(List.of(Ports.LOOPBACK));
        extraClientHosts.stream().filter(h -> !ips.contains(h)).forEach(ips::add);
        Tls tls = new Tls(authority, authority.issue("etcd-server", ips));
        return start(workspace, clientPorts, peerPorts, extraClientHosts, Optional.of(tls));
    }

    /** Starts members on the given ports (for {@code ./pgha up}, whose ports are fixed). */
    public static EtcdCluster start(
            Workspace workspace, List<Integer> clientPorts, List<Integer> peerPorts, List<String> extraClientHosts) {
        return start(workspace, clientPorts, peerPorts, extraClientHosts, Optional.empty());
    }

    private static EtcdCluster start(
            Workspace workspace,
            List<Integer> clientPorts,
            List<Integer> peerPorts,
            List<String> extraClientHosts,
            Optional<Tls> tls) {
        if (clientPorts.isEmpty() || clientPorts.size() != peerPorts.size()) {
            throw new IllegalArgumentException("an etcd cluster needs one client and one peer port per member");
        }
        String initialCluster = java.util.stream.IntStream.range(0, clientPorts.size())
                .mapToObj(i -> "etcd" + i + "=" + scheme(tls) + "://" + Ports.LOOPBACK + ":" + peerPorts.get(i))
                .collect(Collectors.joining(","));
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < clientPorts.size(); i++) {
            members.add(new Member(
                    workspace,
                    "etcd" + i,
                    clientPorts.get(i),
                    peerPorts.get(i),
                    extraClientHosts,
                    initialCluster,
                    tls));
        }
        EtcdCluster cluster = new EtcdCluster(members, tls);
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

    /** The cluster's TLS (its authority and server certificate), when it runs with TLS. */
    public Optional<Tls> tls() {
        return tls;
    }

    /** How {@code principal} (a certificate of this cluster's authority) reaches this cluster. */
    public EtcdAccess access(Certificates.Issued principal) {
        requireTls();
        return new EtcdAccess(
                endpoints(),
                Optional.of(new EtcdAccess.Tls(
                        principal.ca(), Optional.of(principal.cert()), Optional.of(principal.key()))),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    /**
     * The {@code pgha.etcd.*} properties that make a service reach this cluster as {@code principal}: the
     * endpoints and, with TLS, the CA, certificate and key files (no secret is among them: a client
     * certificate's common name is its etcd user).
     */
    public Map<String, String> clientProperties(Certificates.Issued principal) {
        requireTls();
        Map<String, String> p = new LinkedHashMap<>();
        p.put(EtcdAccess.ENDPOINTS, String.join(",", endpoints()));
        p.put(EtcdAccess.CA_FILE, principal.ca().toString());
        p.put(EtcdAccess.CERT_FILE, principal.cert().toString());
        p.put(EtcdAccess.KEY_FILE, principal.key().toString());
        return p;
    }

    /**
     * Turns on etcd's authentication with pgha's role set for {@code deployment} ({@link EtcdRoles}): a
     * {@code root} user (with a client certificate issued here), every role with a user of the same name,
     * then {@code auth enable}. A principal's certificate must carry its role name as common name ({@link
     * Certificates#issue}). Returns root's certificate.
     */
    public Certificates.Issued enableAuth(EtcdRoles.Deployment deployment) {
        Tls t = requireTls();
        Certificates.Issued root = t.authority().issue("root", List.of(Ports.LOOPBACK));
        enableAuth(endpoints(), root, deployment);
        return root;
    }

    /**
     * Turns on (or extends) etcd's authentication at {@code endpoints} as {@code root} (a certificate
     * whose common name is {@code root}) with pgha's role set for {@code deployment}. Safe to run again,
     * also once auth is on and with a larger deployment (a cluster added): a role or user that exists is
     * kept, grants are added.
     */
    public static void enableAuth(List<String> endpoints, Certificates.Issued root, EtcdRoles.Deployment deployment) {
        List<List<String>> commands = new ArrayList<>();
        commands.add(List.of("user", "add", "root", "--no-password"));
        commands.add(List.of("user", "grant-role", "root", "root"));
        commands.addAll(EtcdRoles.commands(EtcdRoles.of(deployment)));
        commands.add(List.of("auth", "enable"));
        for (List<String> command : commands) {
            Commands.Result result = etcdctl(endpoints, root, command);
            if (!result.ok() && !alreadyExists(command, result.output())) {
                result.orThrow();
            }
        }
    }

    /** Whether {@code output} says that the role or user {@code command} adds is there already. */
    static boolean alreadyExists(List<String> command, String output) {
        return command.size() > 1
                && command.get(1).equals("add")
                && (output.contains("role name already exists") || output.contains("user name already exists"));
    }

    /** Runs {@code etcdctl} as {@code principal} against every member; throws with its output when it fails. */
    public Commands.Result etcdctl(Certificates.Issued principal, List<String> args) {
        requireTls();
        return etcdctl(endpoints(), principal, args).orThrow();
    }

    /** Runs {@code etcdctl} as {@code principal} against {@code endpoints}; the result, failed or not. */
    static Commands.Result etcdctl(List<String> endpoints, Certificates.Issued principal, List<String> args) {
        List<String> command = new ArrayList<>(List.of(
                Commands.require("etcdctl", "etcd-client").toString(),
                "--endpoints",
                String.join(",", endpoints),
                "--cacert",
                principal.ca().toString(),
                "--cert",
                principal.cert().toString(),
                "--key",
                principal.key().toString()));
        command.addAll(args);
        return Commands.run(command, Map.of("ETCDCTL_API", "3"), ETCDCTL_TIMEOUT);
    }

    private Tls requireTls() {
        return tls.orElseThrow(
                () -> new IllegalStateException("this etcd cluster runs without TLS (start it with startTls)"));
    }

    private static String scheme(Optional<Tls> tls) {
        return tls.isPresent() ? "https" : "http";
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
