#!/usr/bin/env bash
# Cost of the request-body check (fhir.JsonCheck: nesting, numbers, nulls, duplicate keys) next to
# HAPI's strict parse, on a Synthea-sized transaction bundle (11,000 entries, pretty-printed) and on a
# single resource; JSON files given as arguments (e.g. real Synthea bundles) are measured too.
# Usage: bench/body-check.sh [bundle.json ...]   (-Dentries=N via BENCH_JAVA_OPTS; MAVEN_REPO_LOCAL=...)
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
  io.fwoa.server.bench.BodyCheckBench "$@" 2>/dev/null | grep '^body-check'
