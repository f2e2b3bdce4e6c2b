package io.pgha.agent.pg;

/** A slot that cannot be advanced here (its WAL was removed, or it is not usable): drop it and copy it again. */
public final class SlotGone extends IllegalStateException {
    SlotGone(String message, Throwable cause) {
        super(message, cause);
    }
}
