package io.pgha.agent.pg;

import java.util.List;

/**
 * The least-privilege lookup PgBouncer's {@code auth_query} uses (instead of a copied user list): a
 * SECURITY DEFINER function, owned by the superuser, that returns the password hash of one login role
 * that is neither a superuser nor a replication role, and that only the pooler role may execute. The
 * pooler role itself has no other privilege: it cannot read pg_authid, and no superuser's or
 * replicator's hash ever leaves the server.
 */
final class PoolerLookup {
    private PoolerLookup() {}

    /** The statements (idempotent) for the pooler role {@code quotedRole} (already quoted with quote_ident). */
    static List<String> statements(String quotedRole) {
        return List.of(
                "CREATE SCHEMA IF NOT EXISTS pgha_pooler",
                "REVOKE ALL ON SCHEMA pgha_pooler FROM PUBLIC",
                """
                CREATE OR REPLACE FUNCTION pgha_pooler.user_lookup(i_username text, OUT uname text, OUT phash text)
                RETURNS record LANGUAGE sql SECURITY DEFINER STABLE
                SET search_path = pg_catalog, pg_temp AS $$
                    SELECT rolname::text,
                           CASE WHEN rolvaliduntil IS NULL OR rolvaliduntil > now() THEN rolpassword END
                    FROM pg_catalog.pg_authid
                    WHERE rolname = i_username AND rolcanlogin AND NOT rolsuper AND NOT rolreplication
                $$""",
                "REVOKE ALL ON FUNCTION pgha_pooler.user_lookup(text) FROM PUBLIC",
                "GRANT USAGE ON SCHEMA pgha_pooler TO " + quotedRole,
                "GRANT EXECUTE ON FUNCTION pgha_pooler.user_lookup(text) TO " + quotedRole);
    }
}
