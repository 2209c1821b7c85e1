#!/usr/bin/env bash
# SMART on FHIR overhead: (1) warm token validation + scope check + reach per request, in process,
# against a cached JWKS (fetched once over HTTP from a local key server); (2) a patient token's
# compartment-filtered search against the same search by a practitioner token naming the patient,
# over HTTP on the local stack (default 200 patients x 26 resources, 300 runs per query).
# Usage: bench/smart.sh [patients] [runs]   (MAVEN_REPO_LOCAL=... to use another repository)
set -euo pipefail
cd "$(dirname "$0")/.."
MVN_REPO=${MAVEN_REPO_LOCAL:+-Dmaven.repo.local=$MAVEN_REPO_LOCAL}
./mvnw -q -B $MVN_REPO -pl fwoa-server -DskipTests test-compile >&2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
./mvnw -q -B $MVN_REPO -pl fwoa-server dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$WORK/cp.txt" >&2
java -cp "fwoa-server/target/test-classes:fwoa-server/target/classes:$(cat "$WORK/cp.txt")" \
  io.fwoa.server.bench.SmartBench "${1:-200}" "${2:-300}" 2>/dev/null | grep -E '^(validation|search)'
