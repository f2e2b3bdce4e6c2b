package io.pgha.local;

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
    private final int httpPort;
    private final Map<String, String> properties;
    private LocalProcess process;

    private QuarkusService(Workspace workspace, String name, Path jar, int httpPort, Map<String, String> properties) {
        this.workspace = workspace;
        this.name = name;
        this.jar = jar;
        this.httpPort = httpPort;
        this.properties = properties;
    }

    /**
     * Starts {@code jar} with {@code properties} (as {@code -D} options) on a free HTTP port and waits
     * until {@code /q/health/ready} answers 200.
     */
    public static QuarkusService start(Workspace workspace, String name, Path jar, Map<String, String> properties) {
        return start(workspace, name, jar, Ports.free(), properties);
    }

    /** Like {@link #start(Workspace, String, Path, Map)} on a fixed HTTP port. */
    public static QuarkusService start(
            Workspace workspace, String name, Path jar, int httpPort, Map<String, String> properties) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("service jar " + jar + " not found: build it first ('./mvnw package')");
        }
        QuarkusService service = new QuarkusService(workspace, name, jar, httpPort, Map.copyOf(properties));
        service.start();
        return service;
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

    public String name() {
        return name;
    }

    public int httpPort() {
        return httpPort;
    }

    public LocalProcess process() {
        return process;
    }

    /** {@code http://127.0.0.1:<port><path>}. */
    public URI uri(String path) {
        return URI.create("http://" + Ports.LOOPBACK + ":" + httpPort + path);
    }

    /** GET {@code path}; the response with its body as text. */
    public HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Starts the service again (after a stop or kill) and waits until it is ready. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        Map<String, String> all = new LinkedHashMap<>();
        all.put("quarkus.http.host", Ports.LOOPBACK);
        all.put("quarkus.http.port", Integer.toString(httpPort));
        all.putAll(properties);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xms32m", "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        all.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", jar.toString()));
        process = LocalProcess.start(
                name, command, workspace.dir(name), workspace.log(name), Map.of(), workspace.persistent());
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
