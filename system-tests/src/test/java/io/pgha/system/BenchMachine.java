package io.pgha.system;

import io.pgha.local.Commands;
import io.pgha.local.QuarkusService;
import io.pgha.system.FailoverBenchReport.Machine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The machine a benchmark runs on, for its report: the 1-minute load average sampled every 5 s while
 * the benchmark runs (these machines are noisy), the CPU and memory, and the first line of a tool's
 * version output.
 */
final class BenchMachine implements AutoCloseable {
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final List<Double> loads = Collections.synchronizedList(new ArrayList<>());
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "load-average");
        t.setDaemon(true);
        return t;
    });

    /** Starts sampling the load average; {@link #close()} stops it. */
    static BenchMachine sampling() {
        BenchMachine machine = new BenchMachine();
        machine.sampler.scheduleAtFixedRate(() -> loadAverage().ifPresent(machine.loads::add), 0, 5, TimeUnit.SECONDS);
        return machine;
    }

    /** The first line {@code command} prints, or {@code ?}. */
    static String firstLine(List<String> command) {
        return Commands.run(command, Duration.ofSeconds(30))
                .output()
                .lines()
                .findFirst()
                .orElse("?")
                .strip();
    }

    /** The report's header: this machine, {@code software}, when the run began and ended, and the load. */
    Machine describe(String software, Instant started, Instant finished, String command) {
        return new Machine(
                Runtime.getRuntime().availableProcessors(),
                procLine("/proc/cpuinfo", "model name")
                        .map(l -> l.substring(l.indexOf(':') + 1).strip())
                        .orElse("?"),
                procLine("/proc/meminfo", "MemTotal:")
                        .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024)
                        .orElse(0L),
                software,
                UTC.format(started),
                UTC.format(finished == null ? Instant.now() : finished),
                loadSummary(),
                command);
    }

    /** Median, minimum and maximum of the samples so far. */
    String loadSummary() {
        List<Double> sorted;
        synchronized (loads) {
            sorted = loads.stream().sorted().toList();
        }
        if (sorted.isEmpty()) {
            return "not sampled";
        }
        return String.format(
                Locale.ROOT,
                "median %.1f, min %.1f, max %.1f (sampled every 5 s)",
                BackupBenchReport.median(sorted),
                sorted.get(0),
                sorted.get(sorted.size() - 1));
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }

    /**
     * {@code document} with the section under {@code heading} (up to the next {@code ## } heading
     * outside a code block) replaced by {@code section}, or with {@code section} appended when there is
     * none; the other sections stay as they are.
     */
    static String replaceSection(String document, String heading, String section) {
        List<String> lines = document.lines().toList();
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals(heading)) {
                start = i;
                break;
            }
        }
        String body = section.endsWith("\n") ? section : section + "\n";
        if (start < 0) {
            String head = document.endsWith("\n") ? document : document + "\n";
            return head + "\n" + body;
        }
        int end = lines.size();
        boolean fenced = false;
        for (int i = start + 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("```")) {
                fenced = !fenced;
            }
            if (!fenced && line.startsWith("## ")) {
                end = i;
                break;
            }
        }
        StringBuilder out = new StringBuilder();
        lines.subList(0, start).forEach(l -> out.append(l).append('\n'));
        out.append(body);
        if (end < lines.size()) {
            out.append('\n');
            lines.subList(end, lines.size()).forEach(l -> out.append(l).append('\n'));
        }
        return out.toString();
    }

    /** The report's "Machine" paragraph. */
    static String paragraph(Machine machine) {
        return "**Machine**: " + machine.cpus() + " CPUs (" + machine.cpuModel() + "), "
                + String.format(Locale.ROOT, "%.1f", machine.memoryMib() / 1024.0) + " GiB RAM; " + machine.software()
                + ". Run from " + machine.started() + " to " + machine.finished()
                + ". 1-minute load average during the runs: " + machine.loadAverage() + ".\n\n";
    }

    /**
     * Writes {@code section} to {@code target/<file>} and in place of its heading's section of
     * docs/benchmarks.md (atomically, so that an interrupted benchmark leaves the document whole).
     */
    static void publish(String file, String heading, String section) {
        try {
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target", file), section);
            Path docs = QuarkusService.projectRoot().resolve("docs").resolve("benchmarks.md");
            String document = Files.exists(docs) ? Files.readString(docs) : "# Benchmarks\n";
            Path next = docs.resolveSibling("benchmarks.md.new");
            Files.writeString(next, replaceSection(document, heading, section));
            Files.move(next, docs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the benchmark's report", e);
        }
    }

    private static Optional<Double> loadAverage() {
        try {
            return Optional.of(Double.parseDouble(
                    Files.readString(Path.of("/proc/loadavg")).split(" ")[0]));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> procLine(String file, String prefix) {
        try {
            return Files.readAllLines(Path.of(file)).stream()
                    .filter(l -> l.startsWith(prefix))
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
