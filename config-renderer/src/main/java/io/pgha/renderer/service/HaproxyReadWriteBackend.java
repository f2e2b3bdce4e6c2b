package io.pgha.renderer.service;

import io.pgha.core.HaproxySocket;
import io.pgha.renderer.pool.ReadWriteBackend;
import io.pgha.renderer.render.HaproxyConfigRenderer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * Asks HAProxy's runtime API how many read-write servers are up: {@code show stat -1 2 -1} (every
 * backend), then the {@code <cluster>_rw} row. Not {@code show stat <cluster>_rw 2 -1}: HAProxy 2.6
 * resolves that name to the first proxy called so, the frontend {@code <cluster>_rw} declared before the
 * backend, and answers no backend row at all (seen in PooledSwitchoverIT: the pools never paused).
 */
final class HaproxyReadWriteBackend implements ReadWriteBackend {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final Path runtimeSocket;
    private final String backend;

    HaproxyReadWriteBackend(Path runtimeSocket, String cluster) {
        this.runtimeSocket = runtimeSocket;
        this.backend = HaproxyConfigRenderer.readWriteBackend(cluster);
    }

    @Override
    public OptionalInt upServers() {
        try {
            return ReadWriteBackend.activeServers(
                    HaproxySocket.send(runtimeSocket, "show stat -1 2 -1", TIMEOUT), backend);
        } catch (IOException e) {
            return OptionalInt.empty(); // HAProxy not running (yet): nothing known
        }
    }
}
