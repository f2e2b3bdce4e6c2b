#!/bin/sh
# pgha node entrypoint: checks what the agent needs from its container, then becomes the agent (exec), which
# starts PostgreSQL as its child. SIGTERM (from tini) reaches the agent, which stops its loop, stops
# PostgreSQL (fast shutdown, bounded by pgha.postgres.stop-timeout), then releases its leader key and
# revokes its lease, so that the coordinators fail over at once instead of after ttl.
set -eu

home=${PGHA_HOME:-/opt/pgha}

fail() {
    echo "pgha-node: $*" >&2
    exit 64
}

[ "$(id -u)" != 0 ] || fail "runs as the postgres user (uid 999), not root: PostgreSQL refuses root"
[ -n "${PGHA_POSTGRES_DATA_DIR:-}" ] || fail "set PGHA_POSTGRES_DATA_DIR (the data directory, inside the data volume)"
parent=$(dirname "$PGHA_POSTGRES_DATA_DIR")
[ -d "$parent" ] && [ -w "$parent" ] \
    || fail "$parent (the parent of PGHA_POSTGRES_DATA_DIR) must be a folder this user can write: mount the data volume there"
[ -f "$home/quarkus-run.jar" ] || fail "$home/quarkus-run.jar is missing: set PGHA_HOME to the agent's folder"
command -v java >/dev/null 2>&1 || fail "java is not on PATH"

cd "$home"
# JAVA_OPTS is split into words on purpose
# shellcheck disable=SC2086
exec java $JAVA_OPTS -jar "$home/quarkus-run.jar"
