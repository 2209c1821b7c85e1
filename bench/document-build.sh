#!/usr/bin/env bash
# Time to build the search document of one large resource (a Patient with many names), the work
# the stream indexer does per version: linear in the resource's size, bounded per parameter.
# Usage: bench/document-build.sh [names] [runs]   (default 200000 names, 5 runs; MAVEN_REPO_LOCAL=...)
set -euo pipefail
cd "$(dirname "$0")/.."
MVN_REPO=${MAVEN_REPO_LOCAL:+-Dmaven.repo.local=$MAVEN_REPO_LOCAL}
./mvnw -q -B $MVN_REPO -pl fwoa-server -DskipTests test-compile >&2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
./mvnw -q -B $MVN_REPO -pl fwoa-server dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$WORK/cp.txt" >&2
# shellcheck disable=SC2086
java ${BENCH_JAVA_OPTS:-} -cp "fwoa-server/target/test-classes:fwoa-server/target/classes:$(cat "$WORK/cp.txt")" \
  io.fwoa.server.bench.DocumentBuildBench "$@" 2>/dev/null | grep '^document-build'
