package io.pgha.system;

import io.pgha.local.Commands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * The idle footprint of service processes: CPU used over a window, as a percentage of one core (the
 * process's {@code utime + stime} from {@code /proc/<pid>/stat}, in clock ticks), and resident memory
 * at the window's end ({@code VmRSS} of {@code /proc/<pid>/status}). The parsing and the arithmetic are
 * pure; {@link #measure} reads {@code /proc}.
 */
final class Footprint {
    /** One process's counters at one time. */
    record Reading(long cpuTicks, long rssKib, long atNanos) {}

    /** One process's footprint over the window: {@code cpuPercent} of one core, RSS in KiB at its end. */
    record Usage(String system, String process, long pid, double cpuPercent, long rssKib) {
        double rssMib() {
            return rssKib / 1024.0;
        }
    }

    private Footprint() {}

    /**
     * {@code utime + stime} (fields 14 and 15 of proc(5)'s {@code /proc/<pid>/stat}) of a stat line; the
     * command name in parentheses may hold spaces and parentheses, so fields are counted after its last
     * {@code )}.
     */
    static long cpuTicks(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + stat);
        }
        // after ") ": field 3 (state) is index 0, so utime (14) is index 11 and stime (15) index 12
        String[] fields = stat.substring(close + 2).strip().split(" +");
        if (fields.length < 13) {
            throw new IllegalArgumentException("a /proc/<pid>/stat line with too few fields: " + stat);
        }
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** {@code VmRSS} in KiB of a {@code /proc/<pid>/status} text; empty without one (a zombie, a kernel thread). */
    static Optional<Long> rssKib(String status) {
        return status.lines()
                .filter(l -> l.startsWith("VmRSS:"))
                .findFirst()
                .map(l -> Long.parseLong(
                        l.substring("VmRSS:".length()).replace("kB", "").strip()));
    }

    /** The CPU used between two readings, in % of one core, with {@code ticksPerSecond} (CLK_TCK). */
    static double cpuPercent(Reading first, Reading second, long ticksPerSecond) {
        long nanos = second.atNanos() - first.atNanos();
        if (nanos <= 0) {
            throw new IllegalArgumentException("the second reading must come after the first");
        }
        double cpuSeconds = (second.cpuTicks() - first.cpuTicks()) / (double) ticksPerSecond;
        return 100.0 * cpuSeconds / (nanos / 1e9);
    }

    /**
     * Reads every process of {@code pids} (system → process name → pid), waits {@code window}, reads
     * them again and returns each one's usage; a process that is gone at either end is left out.
     */
    static List<Usage> measure(Map<String, Map<String, Long>> pids, Duration window) {
        long ticks = ticksPerSecond();
        Map<Long, Reading> first = new LinkedHashMap<>();
        pids.values().forEach(m -> m.values().forEach(pid -> read(pid).ifPresent(r -> first.put(pid, r))));
        long end = System.nanoTime() + window.toNanos();
        for (long left = window.toNanos(); left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left); // the measuring window itself, not a wait for a condition
        }
        List<Usage> usages = new ArrayList<>();
        pids.forEach((system, processes) -> processes.forEach((name, pid) -> {
            Reading before = first.get(pid);
            Optional<Reading> after = read(pid);
            if (before != null && after.isPresent()) {
                usages.add(new Usage(
                        system,
                        name,
                        pid,
                        cpuPercent(before, after.get(), ticks),
                        after.get().rssKib()));
            }
        }));
        return usages;
    }

    /** CLK_TCK ({@code getconf CLK_TCK}), 100 when it cannot be read (Linux's value everywhere). */
    static long ticksPerSecond() {
        try {
            String out = Commands.run(List.of("getconf", "CLK_TCK"), Duration.ofSeconds(10))
                    .output()
                    .strip();
            return Long.parseLong(out);
        } catch (RuntimeException e) {
            return 100;
        }
    }

    private static Optional<Reading> read(long pid) {
        try {
            Path proc = Path.of("/proc", Long.toString(pid));
            long at = System.nanoTime();
            long cpu = cpuTicks(Files.readString(proc.resolve("stat")));
            return rssKib(Files.readString(proc.resolve("status"))).map(rss -> new Reading(cpu, rss, at));
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
