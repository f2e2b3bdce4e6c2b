package io.pgha.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node image's entrypoint script outside a container: what it refuses (each with exit 64 and a message
 * naming what to set) and, when all is in place, that it becomes {@code java $JAVA_OPTS -jar
 * <home>/quarkus-run.jar} in {@code <home>}. A stand-in {@code java} on PATH prints what it was given
 * instead of starting the agent (the agent with PostgreSQL is covered by node-agent's own ITs).
 */
class NodeEntrypointTest {
    private static final Path SCRIPT = Repo.root().resolve("deploy/images/node/entrypoint.sh");

    @TempDir
    Path dir;

    private Path home;
    private Path bin;
    private Path data;

    @BeforeEach
    void layout() throws IOException {
        home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(home.resolve("quarkus-run.jar"), "");
        bin = Files.createDirectories(dir.resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho \"cwd=$(pwd) args=$*\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        data = Files.createDirectories(dir.resolve("volume"));
        // the script runs as an unprivileged user (it refuses root): let it in
        for (Path p : List.of(dir, home, bin, data)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
        }
    }

    @Test
    void becomesTheAgentWithItsJvmOptionsInItsHome() throws Exception {
        Result r = run(
                Map.of("PGHA_POSTGRES_DATA_DIR", data.resolve("pgdata").toString(), "JAVA_OPTS", "-Xmx96m -Xms16m"));
        assertThat(r.exit).as(r.output).isZero();
        assertThat(r.output.strip())
                .isEqualTo("cwd=" + home + " args=-Xmx96m -Xms16m -jar " + home.resolve("quarkus-run.jar"));
    }

    @Test
    void refusesWithoutADataDirectory() throws Exception {
        Result r = run(Map.of("JAVA_OPTS", ""));
        assertThat(r.exit).isEqualTo(64);
        assertThat(r.output).contains("set PGHA_POSTGRES_DATA_DIR");
    }

    @Test
    void refusesADataDirectoryWhoseParentItCannotWrite() throws Exception {
        Path locked = Files.createDirectories(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
        Result r = run(Map.of("PGHA_POSTGRES_DATA_DIR", locked.resolve("pgdata").toString(), "JAVA_OPTS", ""));
        assertThat(r.exit).isEqualTo(64);
        assertThat(r.output)
                .contains(locked + " (the parent of PGHA_POSTGRES_DATA_DIR)")
                .contains("mount the data volume");
    }

    @Test
    void refusesAHomeWithoutTheAgent() throws Exception {
        Files.delete(home.resolve("quarkus-run.jar"));
        Result r = run(Map.of("PGHA_POSTGRES_DATA_DIR", data.resolve("pgdata").toString(), "JAVA_OPTS", ""));
        assertThat(r.exit).isEqualTo(64);
        assertThat(r.output).contains("quarkus-run.jar is missing");
    }

    @Test
    void refusesRoot() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(isRoot(), "runs only where the test runs as root");
        Result r = exec(
                List.of("sh", SCRIPT.toString()),
                Map.of("PGHA_POSTGRES_DATA_DIR", data.resolve("d").toString()));
        assertThat(r.exit).isEqualTo(64);
        assertThat(r.output).contains("not root");
    }

    private record Result(int exit, String output) {}

    /** The script as an unprivileged user (nobody, through setpriv when this test runs as root). */
    private Result run(Map<String, String> env) throws Exception {
        List<String> command = new ArrayList<>();
        if (isRoot()) {
            command.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        }
        command.addAll(List.of("sh", SCRIPT.toString()));
        return exec(command, env);
    }

    private Result exec(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        pb.environment().put("PGHA_HOME", home.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("the entrypoint did not finish within 20 s");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static boolean isRoot() throws IOException {
        return "root".equals(System.getProperty("user.name"))
                || Files.readString(Path.of("/proc/self/status")).lines().anyMatch(l -> l.matches("Uid:\\s+0\\s.*"));
    }
}
