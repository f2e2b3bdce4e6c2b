package io.pgha.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JVM options and environment each pgha service runs with: what {@link QuarkusService} starts the
 * local cluster and the integration tests with, and what a deployment copies (docs/architecture.md,
 * "JVM settings"). Pure: the options of a service module, the module of a service jar.
 *
 * <p>Why these (issue 17, an idle agent within 1 % of a core and 100 MB RSS, every other service within
 * 150 MB): the serial collector (no GC worker threads, the smallest heap overhead); a small initial heap
 * that grows only as far as the live data needs ({@code MinHeapFreeRatio}/{@code MaxHeapFreeRatio}: the
 * serial collector gives memory back after a full collection); a maximum heap per service with headroom
 * for its busiest moment (the agent cloning with pg_basebackup and archiving WAL, the coordinator during a
 * failover, backup-service streaming a base backup); no hsperfdata file and its sampler waking every
 * 50 ms ({@code -XX:-UsePerfData}: {@code jcmd <pid>} still works, {@code jps} no longer lists the
 * service); glibc's malloc kept to two arenas ({@code MALLOC_ARENA_MAX}) instead of one per thread
 * that ever called it, and what it holds free given back to the system every 15 s ({@code
 * TrimNativeHeapInterval}, a product flag since 17.0.9: an older JVM refuses to start with it).
 */
public final class JvmOptions {
    /** Environment variable of extra options for every service, appended after its own (a later option wins). */
    public static final String EXTRA_OPTIONS_ENV = "PGHA_SERVICE_JVM_OPTIONS";

    /** Options of every service. */
    static final List<String> COMMON = List.of(
            "-XX:+UseSerialGC",
            "-XX:MinHeapFreeRatio=10",
            "-XX:MaxHeapFreeRatio=30",
            "-XX:-UsePerfData",
            "-XX:TrimNativeHeapInterval=15000");

    /**
     * C1 only, for every service: the least code cache and compiler memory. Measured (issue 17) on the
     * agent, whose loop logs in to PostgreSQL with SCRAM-SHA-256 every loop: C2 halves the loop's CPU
     * once warm but costs 13 MiB more RSS (code cache, profiles) and minutes of compiling after a start.
     */
    static final String C1_ONLY = "-XX:TieredStopAtLevel=1";

    /** The maximum heap of each service module, MiB: the live set seen under load, at least doubled. */
    static final Map<String, Integer> MAX_HEAP_MIB = Map.of(
            "node-agent", 96,
            "failover-coordinator", 128,
            "health-monitor", 96,
            "config-renderer", 96,
            "backup-service", 160,
            "alert-service", 128);

    /** The maximum heap of a module not in {@link #MAX_HEAP_MIB} (a test's own service), MiB. */
    static final int DEFAULT_MAX_HEAP_MIB = 192;

    /** The initial heap of every service, MiB. */
    static final int INITIAL_HEAP_MIB = 16;

    private JvmOptions() {}

    /** The JVM options of service module {@code module} ({@code node-agent}, ...), in order. */
    public static List<String> forModule(String module) {
        List<String> options = new ArrayList<>();
        options.add("-Xms" + INITIAL_HEAP_MIB + "m");
        options.add("-Xmx" + MAX_HEAP_MIB.getOrDefault(module, DEFAULT_MAX_HEAP_MIB) + "m");
        options.addAll(COMMON);
        options.add(C1_ONLY);
        return List.copyOf(options);
    }

    /**
     * The options of service {@code service} (e.g. {@code agent-pg-1}) of module {@code module}: {@link
     * #forModule} followed by the extra options in {@code env}, each blank-separated: {@value
     * #EXTRA_OPTIONS_ENV} for every service, then {@code PGHA_<MODULE>_JVM_OPTIONS} for the module's
     * services ({@code PGHA_NODE_AGENT_JVM_OPTIONS}), then {@code PGHA_<SERVICE>_JVM_OPTIONS} for this one
     * ({@code PGHA_AGENT_PG_1_JVM_OPTIONS}); see {@link #variable}.
     */
    public static List<String> forService(String module, String service, Map<String, String> env) {
        List<String> options = new ArrayList<>(forModule(module));
        List<String> variables = new ArrayList<>(List.of(EXTRA_OPTIONS_ENV, variable(module)));
        if (!variable(service).equals(variable(module))) {
            variables.add(variable(service));
        }
        for (String variable : variables) {
            String extra = env.get(variable);
            if (extra != null && !extra.isBlank()) {
                options.addAll(Arrays.asList(extra.strip().split("\\s+")));
            }
        }
        return List.copyOf(options);
    }

    /** The environment variable of extra options for a module or service: {@code PGHA_NODE_AGENT_JVM_OPTIONS}. */
    public static String variable(String moduleOrService) {
        return "PGHA_" + moduleOrService.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + "_JVM_OPTIONS";
    }

    /** The environment every service gets. */
    public static Map<String, String> environment() {
        return Map.of("MALLOC_ARENA_MAX", "2");
    }

    /**
     * The module a service jar belongs to: {@code <module>} of {@code <module>/target/quarkus-app/
     * quarkus-run.jar}; the jar's own file name for any other layout.
     */
    public static String moduleOf(Path jar) {
        Path appDir = jar.toAbsolutePath().normalize().getParent();
        if (appDir != null
                && appDir.getFileName() != null
                && appDir.getFileName().toString().equals("quarkus-app")) {
            Path target = appDir.getParent();
            if (target != null
                    && target.getParent() != null
                    && target.getParent().getFileName() != null) {
                return target.getParent().getFileName().toString();
            }
        }
        return jar.getFileName().toString();
    }
}
