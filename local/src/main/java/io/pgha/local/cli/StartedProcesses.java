package io.pgha.local.cli;

import io.pgha.local.LocalProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Every process that {@link LocalProcess#start} started while this is open, learnt from its "started
 * {name} (pid {pid})" log record. A launcher such as {@code QuarkusService.start} hands its process over
 * only once it is ready; when it fails first, its process still runs, and {@code up} must stop it too.
 */
final class StartedProcesses extends Handler implements AutoCloseable {
    /** A process: its name and PID (= process group id). */
    record Started(String name, long pid) {}

    private final Logger logger = Logger.getLogger(LocalProcess.class.getName());
    private final Level levelBefore;
    private final boolean parentHandlersBefore;
    private final List<Started> started = new ArrayList<>();

    StartedProcesses() {
        levelBefore = logger.getLevel();
        parentHandlersBefore = logger.getUseParentHandlers();
        logger.setLevel(Level.INFO);
        // the launcher prints its own progress; these lines would only repeat it
        logger.setUseParentHandlers(false);
        logger.addHandler(this);
    }

    /** Those started so far, in order. */
    synchronized List<Started> all() {
        return List.copyOf(started);
    }

    @Override
    public synchronized void publish(LogRecord record) {
        Object[] parameters = record.getParameters();
        if (record.getMessage() != null
                && record.getMessage().startsWith("started ")
                && parameters != null
                && parameters.length >= 2
                && parameters[1] instanceof Number pid) {
            started.add(new Started(String.valueOf(parameters[0]), pid.longValue()));
        }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(levelBefore);
        logger.setUseParentHandlers(parentHandlersBefore);
    }
}
