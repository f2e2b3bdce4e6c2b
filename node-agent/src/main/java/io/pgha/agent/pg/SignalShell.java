package io.pgha.agent.pg;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * One long-lived {@code bash} whose builtin {@code kill} sends the agent's signals: no process is forked
 * per signal (a forked {@code kill} took 0.23 s on a loaded machine, inside the planned handover's write
 * gap). Started with the agent, stopped with it ({@link #close()}); a shell that died is started again
 * once per signal, and when that fails too the caller forks {@code kill} as before.
 */
final class SignalShell implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SignalShell.class);
    private static final Pattern SIGNAL = Pattern.compile("[A-Z][A-Z0-9]{0,9}");

    /** How long the shell may take to answer before it is replaced. */
    private static final Duration ANSWER = Duration.ofSeconds(2);

    private Process shell;
    private Writer in;
    private BufferedReader out;
    private boolean closed;

    /**
     * The line the shell runs for one signal: the builtin kill, then its exit status on stdout (the
     * shell's stderr is discarded). Only a signal name and a positive pid get into it.
     */
    static String command(long pid, String signal) {
        if (!SIGNAL.matcher(signal).matches()) {
            throw new IllegalArgumentException("not a signal name: " + signal);
        }
        if (pid <= 0) {
            throw new IllegalArgumentException("not a process id: " + pid);
        }
        return "kill -s " + signal + " " + pid + "; echo \"$?\"\n";
    }

    /** The exit status the shell printed for a {@link #command}, or empty when the line is not one. */
    static Optional<Integer> status(String line) {
        if (line == null || !line.strip().matches("[0-9]{1,3}")) {
            return Optional.empty();
        }
        return Optional.of(Integer.parseInt(line.strip()));
    }

    /** Starts the shell now (so that the first signal does not pay for it); false when it cannot run. */
    synchronized boolean start() {
        if (closed) {
            return false;
        }
        if (shell != null && shell.isAlive()) {
            return true;
        }
        discard();
        try {
            shell = ProcessRunner.builder(List.of("bash", "--norc", "--noprofile"), Map.of())
                    .redirectError(java.lang.ProcessBuilder.Redirect.DISCARD)
                    .start();
            in = new OutputStreamWriter(shell.getOutputStream(), StandardCharsets.US_ASCII);
            out = new BufferedReader(new InputStreamReader(shell.getInputStream(), StandardCharsets.US_ASCII));
            LOG.debugf("signal shell started (pid %d)", shell.pid());
            return true;
        } catch (IOException e) {
            LOG.warnf("could not start the signal shell (bash): %s; signals fork kill", e.toString());
            shell = null;
            return false;
        }
    }

    /**
     * Sends {@code signal} to {@code pid} through the shell: the builtin's exit status (0: sent), or empty
     * when the shell is not there and could not be started again (the caller forks {@code kill}).
     */
    synchronized Optional<Integer> send(long pid, String signal) {
        String line = command(pid, signal);
        for (int attempt = 0; attempt < 2; attempt++) {
            if (!start()) {
                return Optional.empty();
            }
            try {
                in.write(line);
                in.flush();
                Optional<Integer> status = answered() ? status(out.readLine()) : Optional.empty();
                if (status.isPresent()) {
                    return status;
                }
            } catch (IOException e) {
                LOG.debugf("signal shell: %s", e.toString());
            }
            LOG.warnf("the signal shell (pid %d) stopped answering: starting another", shell.pid());
            discard();
        }
        return Optional.empty();
    }

    /** Whether the shell's answer is there within {@link #ANSWER} (a builtin kill answers at once). */
    private boolean answered() throws IOException {
        long deadline = System.nanoTime() + ANSWER.toNanos();
        while (!out.ready()) {
            if (System.nanoTime() - deadline > 0 || !shell.isAlive()) {
                return out.ready();
            }
            LockSupport.parkNanos(100_000);
        }
        return true;
    }

    /** Stops the shell; later signals fork {@code kill}. */
    @Override
    public synchronized void close() {
        closed = true;
        discard();
    }

    private void discard() {
        if (shell == null) {
            return;
        }
        try {
            in.close(); // EOF: bash exits
        } catch (IOException ignored) {
            // the shell is going anyway
        }
        shell.destroy();
        shell = null;
    }
}
