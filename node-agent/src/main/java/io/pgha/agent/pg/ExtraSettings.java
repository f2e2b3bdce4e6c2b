package io.pgha.agent.pg;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings other parts of the agent add to {@code pgha.conf}. The dynamic config's {@code
 * postgresql.parameters} ({@link #dynamic}) come before {@code pgha.postgres.parameters}, so a
 * member's own setting wins over the cluster-wide one (as Patroni's local configuration does); the
 * rest come after it, so they win: the WAL archiver's ({@code archive_mode}, {@code archive_command}, {@code
 * restore_command}, {@code archive_timeout}) for the agent's whole run, and a point-in-time restore's
 * recovery target while a repository bootstrap recovers. The dynamic config's {@code pg_hba} and
 * {@code pg_ident} lines are kept here too, for pg_hba.conf and pg_ident.conf. Thread-safe; read before
 * every write of pgha.conf.
 */
public final class ExtraSettings {
    private volatile Map<String, String> archive = Map.of();
    private volatile Map<String, String> recovery = Map.of();
    private volatile Map<String, String> dynamic = Map.of();
    private volatile List<String> pgHba = List.of();
    private volatile List<String> pgIdent = List.of();

    /** The dynamic config's {@code postgresql.parameters} (validated by {@code core/PgParameters}). */
    public void dynamic(Map<String, String> parameters) {
        dynamic = Map.copyOf(parameters);
    }

    /** The dynamic config's {@code postgresql.parameters} in force. */
    public Map<String, String> dynamic() {
        return new java.util.TreeMap<>(dynamic);
    }

    /**
     * The dynamic config's {@code postgresql.pg_hba} and {@code postgresql.pg_ident} (validated by {@code
     * core/PgHba}); pg_hba.conf and pg_ident.conf are written from them (see {@link PgFiles#hba}).
     */
    public void files(List<String> pgHba, List<String> pgIdent) {
        this.pgHba = List.copyOf(pgHba);
        this.pgIdent = List.copyOf(pgIdent);
    }

    /** The dynamic config's {@code postgresql.pg_hba} in force (empty: the agent's own lines only). */
    public List<String> pgHba() {
        return pgHba;
    }

    /** The dynamic config's {@code postgresql.pg_ident} in force. */
    public List<String> pgIdent() {
        return pgIdent;
    }

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
