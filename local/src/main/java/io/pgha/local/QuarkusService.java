package io.pgha.local;

import io.pgha.core.tls.AgentApiTrust;
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

/** A built pgha service ({@code target/quarkus-app/quarkus-run.jar}) running in its own JVM. */
public final class QuarkusService implements AutoCloseable {
    /** System property that failsafe sets to the module's own {@code quarkus-run.jar}. */
    public static final String JAR_PROPERTY = "pgha.service.jar";

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final Workspace workspace;
    private final String name;
    private final Path jar;
    private final String host;
    private final int httpPort;
    private final Map<String, String> properties;
    private final NetworkNamespace namespace;
    private final boolean asPostgresUser;
    private final Map<String, String> env;
    private final Certificates.Issued https;
    private final HttpClient http;
    private LocalProcess process;

    private QuarkusService(Builder builder) {
        this.workspace = builder.workspace;
        this.name = builder.name;
        this.jar = builder.jar;
        this.host = builder.namespace == null ? Ports.LOOPBACK : builder.namespace.address();
        this.httpPort = builder.httpPort > 0 ? builder.httpPort : Ports.free();
        this.properties = Map.copyOf(builder.properties);
        this.namespace = builder.namespace;
        this.asPostgresUser = builder.asPostgresUser;
        this.env = Map.copyOf(builder.env);
        this.https = builder.https;
        this.http = https == null
                ? HTTP
                : HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(1))
                        .sslContext(AgentApiTrust.sslContext(Optional.of(https.ca()), "the test CA"))
                        .build();
    }

    /** How to start a service: its properties, port, network namespace and OS user. */
    public static final class Builder {
        private final Workspace workspace;
        private final String name;
        private final Path jar;
        private final Map<String, String> properties = new LinkedHashMap<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private int httpPort;
        private NetworkNamespace namespace;
        private boolean asPostgresUser;
        private Certificates.Issued https;

        private Builder(Workspace workspace, String name, Path jar) {
            this.workspace = workspace;
            this.name = name;
            this.jar = jar;
        }

        /** A {@code -D} property for the service. */
        public Builder property(String key, String value) {
            properties.put(key, value);
            return this;
        }

        public Builder properties(Map<String, String> values) {
            properties.putAll(values);
            return this;
        }

        /**
         * An environment variable for the service. Unlike a property, its value does not appear in
         * the command line that the log records: pass secrets this way.
         */
        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        /** A fixed HTTP port (default: a free one). */
        public Builder httpPort(int port) {
            this.httpPort = port;
            return this;
        }

        /**
         * Serves HTTPS only, with {@code certificate} (its certificate and key through Quarkus' TLS
         * registry, {@code quarkus.tls.key-store.pem.0.cert/key}): the service's port ({@link #httpPort})
         * becomes {@code quarkus.http.ssl-port}, plain HTTP is off ({@code
         * quarkus.http.insecure-requests=disabled}), and {@link #get} trusts {@code certificate.ca()}.
         */
        public Builder https(Certificates.Issued certificate) {
            this.https = certificate;
            return this;
        }

        /** Runs the service inside {@code ns}, listening on its address. */
        public Builder inNamespace(NetworkNamespace ns) {
            this.namespace = ns;
            return this;
        }

        /** Runs the service as the unprivileged user PostgreSQL runs as (the node-agent must). */
        public Builder asPostgresUser() {
            this.asPostgresUser = true;
            return this;
        }

        /** Starts the service and waits until {@code /q/health/ready} answers 200. */
        public QuarkusService start() {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("service jar " + jar + " not found: build it first ('./mvnw package')");
            }
            QuarkusService service = new QuarkusService(this);
            service.start();
            return service;
        }
    }

    /** A builder for {@code jar}, run under the name {@code name} (used for its log and folder). */
    public static Builder builder(Workspace workspace, String name, Path jar) {
        return new Builder(workspace, name, jar);
    }

    /**
     * Starts {@code jar} with {@code properties} (as {@code -D} options) on a free HTTP port and waits
     * until {@code /q/health/ready} answers 200.
     */
    public static QuarkusService start(Workspace workspace, String name, Path jar, Map<String, String> properties) {
        return builder(workspace, name, jar).properties(properties).start();
    }

    /** The jar that failsafe named in {@value #JAR_PROPERTY}: the module's own service. */
    public static Path ownJar() {
        String jar = System.getProperty(JAR_PROPERTY);
        if (jar == null) {
            throw new IllegalStateException(
                    "-D" + JAR_PROPERTY + " is not set: run this test through Maven failsafe (./mvnw verify)");
        }
        return Path.of(jar);
    }

    /** The system property naming the project's root folder (set by failsafe; else found upwards from here). */
    public static final String ROOT_PROPERTY = "pgha.root";

    /**
     * The built jar of another of pgha's service modules ({@code <root>/<module>/target/quarkus-app/
     * quarkus-run.jar}); fails naming the command that builds it when it is missing.
     */
    public static Path moduleJar(String module) {
        Path jar = projectRoot().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!java.nio.file.Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    jar + " does not exist: build it first with ./mvnw -pl " + module + " -am package -DskipTests");
        }
        return jar;
    }

    /** pgha's root folder: {@value #ROOT_PROPERTY}, else the nearest folder upwards holding the pgha script. */
    public static Path projectRoot() {
        String root = System.getProperty(ROOT_PROPERTY);
        if (root != null) {
            return Path.of(root);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (java.nio.file.Files.isRegularFile(dir.resolve("pgha"))
                    && java.nio.file.Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException(
                "cannot find pgha's root folder from " + Path.of("").toAbsolutePath() + ": set -D" + ROOT_PROPERTY);
    }

    public String name() {
        return name;
    }

    public int httpPort() {
        return httpPort;
    }

    public LocalProcess process() {
        return process;
    }

    /** The address the service listens on (127.0.0.1, or its namespace's address). */
    public String host() {
        return host;
    }

    /** The HTTP client {@link #get} uses (it trusts the service's CA when it serves HTTPS). */
    public HttpClient httpClient() {
        return http;
    }

    /** Whether the service serves HTTPS only ({@link Builder#https}). */
    public boolean https() {
        return https != null;
    }

    /** {@code http(s)://<host>:<port><path>}. */
    public URI uri(String path) {
        return URI.create((https == null ? "http" : "https") + "://" + host + ":" + httpPort + path);
    }

    /**
     * The properties that make a service serve HTTPS only on {@code port} with {@code certificate}: the
     * Quarkus TLS registry's default key store, {@code quarkus.http.ssl-port} and plain HTTP disabled.
     */
    public static Map<String, String> httpsProperties(Certificates.Issued certificate, int port) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("quarkus.tls.key-store.pem.0.cert", certificate.cert().toString());
        p.put("quarkus.tls.key-store.pem.0.key", certificate.key().toString());
        p.put("quarkus.http.ssl-port", Integer.toString(port));
        p.put("quarkus.http.insecure-requests", "disabled");
        return p;
    }

    /** GET {@code path}; the response with its body as text. */
    public HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Starts the service again (after a stop or kill) and waits until it is ready. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        Map<String, String> all = new LinkedHashMap<>();
        all.put("quarkus.http.host", host);
        all.put("quarkus.http.port", Integer.toString(httpPort));
        if (https != null) {
            all.putAll(httpsProperties(https, httpPort));
        }
        all.putAll(properties);
        List<String> command = new ArrayList<>();
        if (namespace != null) {
            command.addAll(namespace.commandPrefix());
        }
        if (asPostgresUser) {
            command.addAll(OsUser.forPostgres().commandPrefix());
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JvmOptions.forService(JvmOptions.moduleOf(jar), name, System.getenv()));
        all.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", jar.toString()));
        Map<String, String> environment = new LinkedHashMap<>(JvmOptions.environment());
        environment.putAll(env);
        process = LocalProcess.start(
                name, command, workspace.dir(name), workspace.log(name), environment, workspace.persistent());
        try {
            Wait.until(
                    READY_TIMEOUT,
                    name + " ready at " + uri("/q/health/ready"),
                    () -> get("/q/health/ready").statusCode() == 200,
                    process::isAlive);
        } catch (RuntimeException e) {
            throw new IllegalStateException(e.getMessage() + "\n--- " + name + " log ---\n" + process.logTail(40), e);
        }
    }

    /** Orderly stop (SIGTERM), SIGKILL after 15 s. */
    public synchronized void stop() {
        if (process != null) {
            process.stop(Signal.TERM, Duration.ofSeconds(15));
        }
    }

    @Override
    public void close() {
        stop();
    }
}
