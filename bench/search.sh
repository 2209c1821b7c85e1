#!/usr/bin/env bash
# Search on the local stack: indexing throughput of the stream handler (10,000 Synthea-like
# resources in batches of 100, into the embedded OpenSearch node) and p50/p99 latency of five
# typical queries over HTTP (prefix + token, patient's observations sorted by date, code + quantity
# + date, chain + _include, _has + total).
# Usage: bench/search.sh [resources] [runs per query]   (MAVEN_REPO_LOCAL=... to use another repository)
set -euo pipefail
cd "$(dirname "$0")/.."
MVN_REPO=${MAVEN_REPO_LOCAL:+-Dmaven.repo.local=$MAVEN_REPO_LOCAL}
./mvnw -q -B $MVN_REPO -pl fwoa-server -DskipTests test-compile >&2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
./mvnw -q -B $MVN_REPO -pl fwoa-server dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$WORK/cp.txt" >&2
java -cp "fwoa-server/target/test-classes:fwoa-server/target/classes:$(cat "$WORK/cp.txt")" \
  io.fwoa.server.bench.SearchBench "${1:-10000}" "${2:-200}" 2>/dev/null | grep -E '^(indexing|query)'
