#!/usr/bin/env bash
# fwoa:run's start after an unclean stop (killed, or changes left unindexed): time to catch the
# search index up with a table of N resources (Synthea-sized transaction bundles). A real start
# without the clean-stop marker (fresh JVM, index complete, as after a crash), then in one warmed
# JVM: index complete and empty, asking the index for its versions first or feeding every newest
# version to the indexer, and 1 scan segment against SEGMENTS.
# Usage: bench/index-catch-up.sh [resources] [scan segments]   (MAVEN_REPO_LOCAL=... to use another repository)
set -euo pipefail
cd "$(dirname "$0")/.."
MVN_REPO=${MAVEN_REPO_LOCAL:+-Dmaven.repo.local=$MAVEN_REPO_LOCAL}
./mvnw -q -B $MVN_REPO -pl fwoa-server -DskipTests test-compile >&2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
./mvnw -q -B $MVN_REPO -pl fwoa-server dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$WORK/cp.txt" >&2
bench() {
  java -cp "fwoa-server/target/test-classes:fwoa-server/target/classes:$(cat "$WORK/cp.txt")" \
    io.fwoa.server.bench.IndexCatchUpBench "$@" 2>/dev/null | { grep '^catch-up' || true; }
}
bench fill "$WORK/data" "${1:-20000}"
bench restart "$WORK/data"
bench compare "$WORK/data" "${2:-4}"
