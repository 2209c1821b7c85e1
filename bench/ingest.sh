#!/usr/bin/env bash
# Ingest of a real Synthea population (bench/synthea.sh) over HTTP into the local stack as fwoa:run
# runs it (dynalite, s3rver and cognito-local keeping data on disk, embedded OpenSearch, FHIR API on
# 127.0.0.1): hospital and practitioner bundles first, then the patient bundles, split into
# transactions of at most 1,000 entries, from C concurrent clients. Each client count gets a fresh
# stack and fresh data. Prints per run: resources/s over the wall time and p50/p99 per transaction,
# the CPU seconds of the stack's JVM (and its busiest threads), its emulators and the client, then
# the checks (every acknowledged resource reads back at its location, search counts match what was
# sent). Exits 1 if a check fails.
#
#   bench/ingest.sh [clients...]              # default: 1 2
#
# Environment: SYNTHEA_POPULATION / SYNTHEA_SEED (bench/synthea.sh's defaults: 35, 1), or
# INGEST_SYNTHEA_DIR=dir of Synthea bundles to load instead. By default the entries stay Synthea's
# creates (each client sends a whole bundle's parts in order, pointing references to earlier parts
# at the locations the server gave them); INGEST_METHOD=put turns them into PUTs with Synthea's ids
# that stand alone instead. INGEST_DATA=memory keeps the stack's data in memory instead;
# INGEST_JFR_DIR=dir records the stack JVM with JDK Flight Recorder into dir/ingest-c<clients>.jfr;
# INGEST_STACK_JAVA_OPTS replaces the stack JVM's options (default: fwoa:run's, -XX:TieredStopAtLevel=1).
set -euo pipefail
cd "$(dirname "$0")/.."
clients_list=("$@")
[ $# -eq 0 ] && clients_list=(1 2)
data=${INGEST_SYNTHEA_DIR:-$(bench/synthea.sh "${SYNTHEA_POPULATION:-35}" "${SYNTHEA_SEED:-1}")}

MVN_REPO=${MAVEN_REPO_LOCAL:+-Dmaven.repo.local=$MAVEN_REPO_LOCAL}
./mvnw -q -B $MVN_REPO -pl fwoa-server -DskipTests package test-compile >&2
work=$(mktemp -d)
stack_pid=
stop_stack() {
  if [ -n "$stack_pid" ]; then
    kill "$stack_pid" 2>/dev/null || true
    wait "$stack_pid" 2>/dev/null || true
    stack_pid=
  fi
}
trap 'stop_stack; rm -rf "$work"' EXIT
./mvnw -q -B $MVN_REPO -pl fwoa-server dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$work/cp.txt" >&2
cp="fwoa-server/target/test-classes:fwoa-server/target/classes:$(cat "$work/cp.txt")"

status=0
for clients in "${clients_list[@]}"; do
  run="$work/c$clients"
  mkdir -p "$run"
  # fwoa:run's default JVM options (LocalRun.DEFAULT_JVM_ARGUMENTS) unless INGEST_STACK_JAVA_OPTS is set
  stack_opts=(${INGEST_STACK_JAVA_OPTS--XX:TieredStopAtLevel=1})
  if [ -n "${INGEST_JFR_DIR:-}" ]; then
    mkdir -p "$INGEST_JFR_DIR"
    stack_opts+=("-XX:FlightRecorderOptions:stackdepth=256"
      "-XX:StartFlightRecording=filename=$INGEST_JFR_DIR/ingest-c$clients.jfr,settings=profile,dumponexit=true")
  fi
  data_dir=("$run/data")
  [ "${INGEST_DATA:-disk}" = memory ] && data_dir=()
  java "${stack_opts[@]}" -cp "$cp" io.fwoa.server.bench.BenchStack "$run/env" "${data_dir[@]}" \
    > "$run/stack.log" 2>&1 &
  stack_pid=$!
  for _ in $(seq 1 300); do
    [ -s "$run/env" ] && break
    kill -0 "$stack_pid" 2>/dev/null || { cat "$run/stack.log" >&2; exit 1; }
    sleep 0.5
  done
  (
    # shellcheck disable=SC1091
    source "$run/env"
    BENCH_STACK_PID=$stack_pid java -Xmx3g -cp "$cp" io.fwoa.server.bench.IngestBench "$data" "$clients" \
      "${INGEST_METHOD:-post}" 2>/dev/null
  ) || status=1
  stop_stack
done
exit $status
