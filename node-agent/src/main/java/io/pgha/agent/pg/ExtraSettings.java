package io.pgha.agent.pg;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings other parts of the agent add to {@code pgha.conf} (after {@code pgha.postgres.parameters},
 * so they win): the WAL archiver's ({@code archive_mode}, {@code archive_command}, {@code
 * restore_command}, {@code archive_timeout}) for the agent's whole run, and a point-in-time restore's
 * recovery target while a repository bootstrap recovers. Thread-safe; read before every write of
 * pgha.conf.
 */
public final class ExtraSettings {
    private volatile Map<String, String> archive = Map.of();
    private volatile Map<String, String> recovery = Map.of();

    /** The archiver's settings (empty: no repository). */
    public void archive(Map<String, String> settings) {
        archive = Map.copyOf(settings);
    }

    /** A restore's settings (its own restore_command and recovery target); empty once it promoted. */
    public void recovery(Map<String, String> settings) {
        recovery = new LinkedHashMap<>(settings);
    }

    /** Everything, the recovery's last (its restore_command replaces the archiver's). */
    public Map<String, String> all() {
        Map<String, String> all = new LinkedHashMap<>(archive);
        all.putAll(recovery);
        return all;
    }
}
