package io.pgha.local;

/** The POSIX signals local/ sends. */
public enum Signal {
    /** PostgreSQL: fast shutdown. */
    INT,
    /** Orderly stop. */
    TERM,
    /** kill -9: no clean-up at all. */
    KILL,
    /** Freeze (a paused process looks alive but does nothing). */
    STOP,
    /** Thaw a frozen process. */
    CONT,
    /** Reload configuration. */
    HUP,
    /** HAProxy master: reload. */
    USR2
}
