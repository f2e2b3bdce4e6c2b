package io.pgha.ctl;

/**
 * pghactl's exit codes. 0, 1 and 2 are patronictl's (click's): success, a failed or refused operation,
 * a usage error. 3 and 4 are pghactl's own, so that a script can tell "nothing answered" and "the token
 * was refused" from a refusal; both are non-zero like patronictl's 1.
 */
public final class ExitCode {
    /** Done. */
    public static final int OK = 0;
    /** The operation failed or was refused (by the API, by an agent, or answered "no" at a prompt). */
    public static final int FAILED = 1;
    /** Bad input: unknown option, a malformed value, a missing argument (picocli's usage error). */
    public static final int USAGE = 2;
    /** No coordinator endpoint answered (or none is configured). */
    public static final int UNREACHABLE = 3;
    /** The API refused the token (401). */
    public static final int UNAUTHORIZED = 4;

    private ExitCode() {}
}
