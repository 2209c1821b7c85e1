# Shared by the fwoa-server benchmarks (sourced): builds fwoa-server (Lambda jar and test classes),
# starts the local stack (dynalite, s3rver, cognito-local, FHIR API on 127.0.0.1) in the
# background with fwoa:run's JVM options (BENCH_STACK_JAVA_OPTS replaces them), and exports its
# endpoints and a practitioner token. The stack stops on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
MVN_REPO=${MAVEN_REPO_LOCAL:+-Dmaven.repo.local=$MAVEN_REPO_LOCAL}
./mvnw -q -B $MVN_REPO -pl fwoa-server -DskipTests package test-compile >&2
BENCH_WORK=$(mktemp -d)
./mvnw -q -B $MVN_REPO -pl fwoa-server dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$BENCH_WORK/cp.txt" >&2
TEST_CP="fwoa-server/target/test-classes:fwoa-server/target/classes:$(cat "$BENCH_WORK/cp.txt")"
LAMBDA_JAR=$(ls fwoa-server/target/fwoa-server-*-lambda.jar)
# shellcheck disable=SC2086
java ${BENCH_STACK_JAVA_OPTS--XX:TieredStopAtLevel=1} -cp "$TEST_CP" io.fwoa.server.bench.BenchStack "$BENCH_WORK/env" > "$BENCH_WORK/stack.log" 2>&1 &
BENCH_STACK_PID=$!
trap 'kill $BENCH_STACK_PID 2>/dev/null; wait $BENCH_STACK_PID 2>/dev/null || true; rm -rf "$BENCH_WORK"' EXIT
for _ in $(seq 1 300); do
  [ -s "$BENCH_WORK/env" ] && break
  kill -0 $BENCH_STACK_PID 2>/dev/null || { cat "$BENCH_WORK/stack.log" >&2; exit 1; }
  sleep 0.5
done
# shellcheck disable=SC1091
source "$BENCH_WORK/env"
