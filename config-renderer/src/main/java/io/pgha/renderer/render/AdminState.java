package io.pgha.renderer.render;

/** The administrative state of one server, as HAProxy's runtime API {@code set server ... state} names it. */
public enum AdminState {
    /** Takes traffic when its health check passes. */
    READY("ready"),
    /** Takes no traffic whatever its health check says ({@code disabled} in the file). */
    MAINT("maint");

    private final String haproxyName;

    AdminState(String haproxyName) {
        this.haproxyName = haproxyName;
    }

    /** The word the runtime API uses. */
    public String haproxyName() {
        return haproxyName;
    }
}
