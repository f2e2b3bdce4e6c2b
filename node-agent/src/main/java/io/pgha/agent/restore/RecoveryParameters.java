package io.pgha.agent.restore;

import io.pgha.repository.restore.RecoveryTarget;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A recovery target's parameters as PostgreSQL accepts them in a configuration file. PostgreSQL checks
 * {@code recovery_target_time} before it has loaded its time zone abbreviations, so an ISO-8601
 * instant ending in {@code Z} is refused ("invalid value for parameter") and the server does not
 * start: the time is written with a numeric offset instead ({@code 2026-12-01 10:15:30.123456+00}).
 */
public final class RecoveryParameters {
    private static final DateTimeFormatter POSTGRES =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS'+00'").withZone(ZoneOffset.UTC);

    private RecoveryParameters() {}

    public static Map<String, String> of(RecoveryTarget target) {
        Map<String, String> p = new LinkedHashMap<>(target.parameters());
        p.computeIfPresent("recovery_target_time", (k, v) -> POSTGRES.format(Instant.parse(v)));
        return p;
    }
}
