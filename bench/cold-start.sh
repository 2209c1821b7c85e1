#!/usr/bin/env bash
# Cold start of the FHIR API Lambda code without SnapStart: a fresh JVM pinned to one CPU
# (taskset -c 0), JVM options as deployed (C1 only), on the shaded Lambda jar; it constructs the
# handler (configuration from the environment, like the Lambda runtime) and serves the first read of
# a Patient from dynalite with a Cognito token verified against cognito-local's JWKS.
# Each run is done twice, alternately: with the server's own DynamoDB client (client=light, as deployed) and
# with the AWS SDK's client (client=sdk), to show what the former saves; medians at the end.
# Usage: bench/cold-start.sh [runs]   (JAVA=/path/to/java for another JVM; MAVEN_REPO_LOCAL=... for another
# local Maven repository)
source "$(dirname "$0")/server-stack.sh"
RUNS=${1:-5}
mkdir -p "$BENCH_WORK/bench/io/fwoa/server/bench"
cp fwoa-server/target/test-classes/io/fwoa/server/bench/ColdStartBench.class "$BENCH_WORK/bench/io/fwoa/server/bench/"
JAVA=${JAVA:-java}
echo "java: $($JAVA -version 2>&1 | head -1); cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
for i in $(seq 1 "$RUNS"); do
  for client in light sdk; do
    BENCH_DYNAMO_CLIENT=$client taskset -c 0 "$JAVA" -XX:+TieredCompilation -XX:TieredStopAtLevel=1 -Xshare:auto \
      -cp "$LAMBDA_JAR:$BENCH_WORK/bench" io.fwoa.server.bench.ColdStartBench 2>/dev/null | grep total_ms \
      | tee -a "$BENCH_WORK/cold-start.txt"
  done
done
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
for client in light sdk; do
  for field in handler_init_ms first_read_ms total_ms; do
    printf '%s median %s=%s\n' "$client" "$field" \
      "$(grep "client=$client " "$BENCH_WORK/cold-start.txt" | sed "s/.*$field=\([0-9]*\).*/\1/" | median)"
  done
done
