package io.pgha.local;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every process and network namespace that this JVM started and has not cleaned up yet. A shutdown
 * hook kills what is left, so nothing outlives a test run, also when a test failed or was interrupted.
 */
public final class ProcessRegistry {
    private static final Set<LocalProcess> PROCESSES = new LinkedHashSet<>();
    private static final Set<AutoCloseable> OTHERS = new LinkedHashSet<>();
    private static boolean hookInstalled;

    private ProcessRegistry() {}

    static synchronized void register(LocalProcess process) {
        installHook();
        PROCESSES.add(process);
    }

    static synchronized void unregister(LocalProcess process) {
        PROCESSES.remove(process);
    }

    /** Registers a clean-up other than a process (a network namespace) to run at JVM exit. */
    static synchronized void register(AutoCloseable cleanup) {
        installHook();
        OTHERS.add(cleanup);
    }

    static synchronized void unregister(AutoCloseable cleanup) {
        OTHERS.remove(cleanup);
    }

    /** The processes this JVM started that are still registered (for tests of local/ itself). */
    public static synchronized List<LocalProcess> live() {
        return List.copyOf(PROCESSES);
    }

    private static void installHook() {
        if (!hookInstalled) {
            Runtime.getRuntime().addShutdownHook(new Thread(ProcessRegistry::killAll, "pgha-local-cleanup"));
            hookInstalled = true;
        }
    }

    private static void killAll() {
        List<LocalProcess> processes;
        List<AutoCloseable> others;
        synchronized (ProcessRegistry.class) {
            processes = new ArrayList<>(PROCESSES);
            others = new ArrayList<>(OTHERS);
        }
        for (LocalProcess process : processes) {
            LocalProcess.signalGroup(process.pid(), Signal.KILL);
        }
        for (AutoCloseable other : others) {
            try {
                other.close();
            } catch (Exception ignored) {
                // best effort at JVM exit
            }
        }
    }
}
