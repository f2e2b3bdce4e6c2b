package io.pgha.monitor.decide;

import io.pgha.events.Lsn;
import io.pgha.events.NodeHealthEvent.ErrorClass;
import io.pgha.events.NodeHealthEvent.NodeRole;
import java.time.Instant;
import java.util.List;

/** Probe results for tests. */
final class Results {
    static final Instant T = Instant.parse("2025-05-01T10:00:00Z");

    private Results() {}

    static ProbeResult primary(String lsn, int timeline) {
        return new ProbeResult(
                T,
                2,
                true,
                null,
                null,
                NodeRole.PRIMARY,
                timeline,
                Lsn.parse(lsn),
                null,
                null,
                null,
                5,
                100,
                0L,
                null,
                List.of());
    }

    static ProbeResult replica(String receive, String replay, int timeline) {
        return new ProbeResult(
                T,
                2,
                true,
                null,
                null,
                NodeRole.REPLICA,
                timeline,
                null,
                receive == null ? null : Lsn.parse(receive),
                replay == null ? null : Lsn.parse(replay),
                0.0,
                5,
                100,
                0L,
                null,
                List.of());
    }

    static ProbeResult down(ErrorClass errorClass) {
        return ProbeResult.unreachable(T, 400, errorClass, "boom");
    }
}
