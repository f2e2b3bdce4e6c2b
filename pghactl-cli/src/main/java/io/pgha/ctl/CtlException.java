package io.pgha.ctl;

/** A failure to report to the operator: one message (what, where, what to do) and the exit code. */
public final class CtlException extends RuntimeException {
    private final int exitCode;

    public CtlException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    /** A failed or refused operation (exit code 1). */
    public static CtlException failed(String message) {
        return new CtlException(ExitCode.FAILED, message);
    }

    /** Bad input (exit code 2). */
    public static CtlException usage(String message) {
        return new CtlException(ExitCode.USAGE, message);
    }

    public int exitCode() {
        return exitCode;
    }
}
