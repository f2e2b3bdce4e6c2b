package io.pgha.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The launcher {@code ./pghactl} makes the AppCDS archive with its training run and a call then loads
 * pghactl's, Jackson's and the HTTP client's classes from it (start-up time: pghactl-cli/DESIGN.md). Runs
 * the real script on a jar of this build laid out as {@code target/} is ({@code lib/} beside it), named by
 * {@code PGHACTL_JAR}; the JVM's class-loading log says where each class came from. No timing is asserted.
 */
class LauncherCdsTest {
    private static final long DEADLINE_SECONDS = 120;

    record Run(int code, String err) {}

    @Test
    void theLauncherTrainsAnArchiveAndACallLoadsItsClassesFromIt(@TempDir Path dir) throws Exception {
        Path jar = jar(dir);
        Run first = launch(jar, List.of(), "-k", "http://127.0.0.1:1", "list", "pgha");
        assertThat(first.code()).as(first.err()).isEqualTo(ExitCode.UNREACHABLE);
        assertThat(first.err()).contains("cannot reach a coordinator (endpoints from --coordinator)");
        // The training run's archive, named after this JDK's version.
        List<Path> archives;
        try (Stream<Path> files = Files.list(dir)) {
            archives = files.filter(f -> f.getFileName().toString().matches("pghactl-jdk.+\\.jsa"))
                    .toList();
        }
        assertThat(archives).hasSize(1);
        assertThat(archives.get(0).getFileName().toString())
                .contains(Runtime.version().feature() + ".");
        assertThat(Files.size(archives.get(0))).isGreaterThan(1_000_000);

        // A call that reaches no coordinator: pghactl's classes and the HTTP client's.
        List<String> unreachable = classLoading(
                jar, dir.resolve("unreachable.log"), ExitCode.UNREACHABLE, "-k", "http://127.0.0.1:1", "list", "pgha");
        assertFromTheArchive(
                unreachable,
                "io.pgha.ctl.Main",
                "io.pgha.ctl.ListCommand",
                "io.pgha.ctl.Api",
                "io.pgha.ctl.Connection",
                "sun.net.www.protocol.http.HttpURLConnection");
        // Served calls (the training verb's stand-in coordinator): Jackson's classes too.
        List<String> served = classLoading(jar, dir.resolve("served.log"), ExitCode.OK, "cds-training");
        assertFromTheArchive(
                served,
                "io.pgha.ctl.ClusterView",
                "io.pgha.ctl.Table",
                "com.fasterxml.jackson.databind.ObjectMapper",
                "com.fasterxml.jackson.dataformat.yaml.YAMLFactory");
        for (List<String> lines : List.of(unreachable, served)) {
            // pghactl's and Jackson's classes all come from the archive, except what implements a picocli
            // interface (picocli is Java 5 bytecode, which a dynamic archive cannot hold).
            assertThat(lines.stream().filter(l -> l.contains("source: file:")).filter(l -> !l.contains(" picocli.")))
                    .hasSizeLessThan(5);
            // Without the archive these would come from the jars and the JDK's modules.
            assertThat(lines.stream().filter(l -> l.contains("source: shared objects file (top)")))
                    .hasSizeGreaterThan(300);
        }
    }

    /** The JVM's class-loading log of {@code ./pghactl args}, which must exit with {@code code}. */
    private static List<String> classLoading(Path jar, Path log, int code, String... args) throws Exception {
        Run run = launch(jar, List.of("JAVA_TOOL_OPTIONS=-Xlog:class+load:file=" + log), args);
        assertThat(run.code()).as(run.err()).isEqualTo(code);
        return Files.readAllLines(log);
    }

    private static void assertFromTheArchive(List<String> lines, String... types) {
        for (String type : types) {
            assertThat(lines)
                    .as(type + " from the archive")
                    .anyMatch(l -> l.contains(" " + type + " source: shared objects file"));
        }
    }

    /** {@code dir/pghactl.jar} of this build's classes, its libraries in {@code dir/lib} (as target/). */
    private static Path jar(Path dir) throws IOException, URISyntaxException {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        List<String> classPath = new ArrayList<>();
        for (Class<?> type : List.of(
                CommandLine.class,
                ObjectMapper.class,
                JsonFactory.class,
                JsonProperty.class,
                YAMLFactory.class,
                org.yaml.snakeyaml.Yaml.class)) {
            Path source = location(type);
            Files.copy(source, lib.resolve(source.getFileName()));
            classPath.add("lib/" + source.getFileName());
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", classPath));
        Path classes = location(Main.class);
        Path jar = dir.resolve("pghactl.jar");
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file, manifest);
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
        return jar;
    }

    private static Path location(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** Runs {@code ./pghactl args} on {@code jar}; stdout is dropped, stderr kept. */
    private static Run launch(Path jar, List<String> env, String... args) throws Exception {
        Path launcher = location(Main.class).getParent().getParent().getParent().resolve("pghactl");
        assertThat(launcher).isRegularFile();
        List<String> command = new ArrayList<>(List.of("bash", launcher.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(jar.resolveSibling("stderr-" + System.nanoTime() + ".txt")
                        .toFile());
        builder.environment().put("PGHACTL_JAR", jar.toString());
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        for (String e : env) {
            builder.environment().put(e.substring(0, e.indexOf('=')), e.substring(e.indexOf('=') + 1));
        }
        Process process = builder.start();
        try {
            if (!process.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError(
                        "./pghactl " + String.join(" ", args) + " did not end within " + DEADLINE_SECONDS + " s");
            }
            String err = Files.readString(builder.redirectError().file().toPath(), StandardCharsets.UTF_8);
            return new Run(process.exitValue(), err);
        } finally {
            process.destroyForcibly();
        }
    }
}
