package io.pgha.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A real S3-compatible server, s3proxy with jclouds' {@code filesystem} provider, in its own JVM on
 * a free 127.0.0.1 port, started from the {@code org.gaul:s3proxy} jars that the {@code s3proxy-dist}
 * module copies into {@code s3proxy-dist/target/s3proxy-libs}. Requests are authenticated (AWS
 * signature v2 or v4) with {@link #accessKey()} and {@link #secretKey()}. It can be stopped and
 * started again on the same port with its objects kept.
 */
public final class S3Server implements AutoCloseable {
    /** System property (or env {@code PGHA_S3PROXY_LIBS}) naming the folder with the server's jars. */
    public static final String LIBS_PROPERTY = "pgha.s3proxy.libs";

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Workspace workspace;
    private final Path dir;
    private final int port;
    private final String accessKey = "pgha-local";
    private final String secretKey = "local-" + UUID.randomUUID();
    private LocalProcess process;

    private S3Server(Workspace workspace, Path dir, int port) {
        this.workspace = workspace;
        this.dir = dir;
        this.port = port;
    }

    /** Starts the server on a free port with its objects under {@code <workspace>/s3/data}; returns once it answers. */
    public static S3Server start(Workspace workspace) {
        S3Server server = new S3Server(workspace, workspace.dir("s3"), Ports.free());
        server.start();
        return server;
    }

    /** {@code http://127.0.0.1:<port>}, for {@code pgha.repository.s3.endpoint}. */
    public String endpoint() {
        return "http://" + Ports.LOOPBACK + ":" + port;
    }

    public int port() {
        return port;
    }

    /** The access key id the server accepts. */
    public String accessKey() {
        return accessKey;
    }

    /** The secret the server accepts (made up per server). */
    public String secretKey() {
        return secretKey;
    }

    /** Where the filesystem provider keeps buckets (a folder per bucket, a file per object). */
    public Path dataDir() {
        return dir.resolve("data");
    }

    /**
     * The {@code pgha.repository.*} properties that point a service at this server, with the secret in
     * {@code secretFile} (written here, mode 600).
     */
    public Map<String, String> repositoryProperties(String bucket, Path secretFile) {
        try {
            Files.writeString(secretFile, secretKey + "\n");
            Files.setPosixFilePermissions(
                    secretFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + secretFile, e);
        }
        return Map.of(
                "pgha.repository.type",
                "s3",
                "pgha.repository.s3.endpoint",
                endpoint(),
                "pgha.repository.s3.bucket",
                bucket,
                "pgha.repository.s3.access-key",
                accessKey,
                "pgha.repository.s3.secret-key-file",
                secretFile.toString());
    }

    public LocalProcess process() {
        return process;
    }

    /** Starts the server again (after {@link #stop()} or a kill) on the same port, keeping its objects. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the S3 server is already running");
        }
        Ports.requireFree(Ports.LOOPBACK, port, "S3 server");
        Path config = writeConfig();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-Djava.awt.headless=true"));
        command.add("-Dlogback.configurationFile=" + dir.resolve("logback.xml"));
        command.add("-cp");
        command.add(libsDir().toAbsolutePath() + "/*");
        command.add("org.gaul.s3proxy.Main");
        command.add("--properties");
        command.add(config.toString());
        process =
                LocalProcess.start("s3proxy", command, dir, workspace.log("s3proxy"), Map.of(), workspace.persistent());
        try {
            Wait.until(READY_TIMEOUT, "S3 server answering at " + endpoint(), this::answering, process::isAlive);
        } catch (RuntimeException e) {
            LocalProcess failed = process;
            failed.stop(Signal.KILL, Duration.ofSeconds(5));
            throw new IllegalStateException(e.getMessage() + "\n--- s3proxy log ---\n" + failed.logTail(40), e);
        }
    }

    /** True when the server answers HTTP (an anonymous request gets 403: that is an answer). */
    public boolean answering() {
        try {
            HttpURLConnection connection =
                    (HttpURLConnection) URI.create(endpoint() + "/").toURL().openConnection();
            connection.setConnectTimeout(1000);
            connection.setReadTimeout(2000);
            try {
                return connection.getResponseCode() > 0;
            } finally {
                connection.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    /** Orderly stop (SIGTERM); the objects stay. */
    public synchronized void stop() {
        if (process != null) {
            process.stop(Signal.TERM, Duration.ofSeconds(20));
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** The server's jars: {@value #LIBS_PROPERTY}, {@code PGHA_S3PROXY_LIBS}, or found above the working dir. */
    public static Path libsDir() {
        String configured = System.getProperty(LIBS_PROPERTY, System.getenv("PGHA_S3PROXY_LIBS"));
        List<Path> candidates = new ArrayList<>();
        if (configured != null && !configured.isBlank()) {
            candidates.add(Path.of(configured));
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            candidates.add(d.resolve("s3proxy-dist/target/s3proxy-libs"));
        }
        for (Path candidate : candidates) {
            if (Files.isDirectory(candidate) && hasServerJar(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("the S3 server's jars were not found (looked in " + candidates.get(0)
                + " and s3proxy-dist/target/s3proxy-libs above " + Path.of("").toAbsolutePath()
                + "): build them with './mvnw -pl s3proxy-dist package' or set -D" + LIBS_PROPERTY);
    }

    private static boolean hasServerJar(Path dir) {
        try (var files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith("s3proxy-"));
        } catch (IOException e) {
            return false;
        }
    }

    private Path writeConfig() {
        Path config = dir.resolve("s3proxy.properties");
        String properties = String.join(
                "\n",
                "s3proxy.endpoint=" + endpoint(),
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + accessKey,
                "s3proxy.credential=" + secretKey,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + dataDir(),
                "");
        String logging = String.join(
                "\n",
                "<configuration>",
                "  <appender name=\"STDOUT\" class=\"ch.qos.logback.core.ConsoleAppender\">",
                "    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n</pattern></encoder>",
                "  </appender>",
                "  <logger name=\"org.gaul.s3proxy\" level=\"INFO\"/>",
                "  <root level=\"WARN\"><appender-ref ref=\"STDOUT\"/></root>",
                "</configuration>",
                "");
        try {
            Files.createDirectories(dataDir());
            Files.writeString(config, properties);
            Files.setPosixFilePermissions(config, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            Files.writeString(dir.resolve("logback.xml"), logging);
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + config, e);
        }
    }
}
