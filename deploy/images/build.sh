#!/bin/sh
# Builds pgha's images where a container builder exists (docker, podman or buildah): the node image
# (PostgreSQL 15 + node-agent), one image per service (its src/main/docker/Dockerfile.jvm) and etcd-roles
# (etcdctl and a shell for the Job that applies the etcd roles).
#   deploy/images/build.sh [tag]        (default tag: 0.1.0-SNAPSHOT; images are named pgha/<name>:<tag>)
# Set PGHA_IMAGE_PREFIX (e.g. registry.example.com/pgha) to name them for a registry.
set -eu
cd "$(dirname "$0")/../.."
tag=${1:-0.1.0-SNAPSHOT}
prefix=${PGHA_IMAGE_PREFIX:-pgha}
services="failover-coordinator health-monitor config-renderer backup-service alert-service"

if command -v docker >/dev/null 2>&1; then build="docker build"
elif command -v podman >/dev/null 2>&1; then build="podman build"
elif command -v buildah >/dev/null 2>&1; then build="buildah bud"
else
    echo "build.sh: no container builder (docker, podman or buildah) on PATH; build the jars and the images elsewhere" >&2
    exit 1
fi

modules="node-agent"
for s in $services; do modules="$modules,$s"; done
./mvnw -B -pl "$modules" -am package -DskipTests

$build -f deploy/images/node/Dockerfile -t "$prefix/node:$tag" .
$build -f deploy/images/etcd-roles/Dockerfile -t "$prefix/etcd-roles:$tag" deploy/images/etcd-roles
for s in $services; do
    $build -f "$s/src/main/docker/Dockerfile.jvm" -t "$prefix/$s:$tag" "$s"
done
echo "built $prefix/node:$tag, $prefix/etcd-roles:$tag and $prefix/{$(echo $services | tr ' ' ',')}:$tag"
