package io.pgha.renderer.render;

/** One server line: {@code backend/server}. */
public record ServerRef(String backend, String server) implements Comparable<ServerRef> {
    @Override
    public int compareTo(ServerRef other) {
        int byBackend = backend.compareTo(other.backend);
        return byBackend != 0 ? byBackend : server.compareTo(other.server);
    }

    @Override
    public String toString() {
        return backend + "/" + server;
    }
}
