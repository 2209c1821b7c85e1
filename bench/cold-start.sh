#!/usr/bin/env bash
# Cold start of the FHIR API Lambda code without SnapStart: a fresh JVM pinned to one CPU
# (taskset -c 0), JVM options as deployed (C1 only), on the shaded Lambda jar; it constructs the
# handler (configuration from the environment, like the Lambda runtime) and serves the first read of
# a Patient from dynalite with a Cognito token verified against cognito-local's JWKS.
# Usage: bench/cold-start.sh [runs]   (JAVA=/path/to/java for another JVM; MAVEN_REPO_LOCAL=... for another
# local Maven repository)
source "$(dirname "$0")/server-stack.sh"
RUNS=${1:-5}
mkdir -p "$BENCH_WORK/bench/io/fwoa/server/bench"
cp fwoa-server/target/test-classes/io/fwoa/server/bench/ColdStartBench.class "$BENCH_WORK/bench/io/fwoa/server/bench/"
JAVA=${JAVA:-java}
echo "java: $($JAVA -version 2>&1 | head -1); cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
for i in $(seq 1 "$RUNS"); do
  taskset -c 0 "$JAVA" -XX:+TieredCompilation -XX:TieredStopAtLevel=1 -Xshare:auto \
    -cp "$LAMBDA_JAR:$BENCH_WORK/bench" io.fwoa.server.bench.ColdStartBench 2>/dev/null | grep total_ms
done
