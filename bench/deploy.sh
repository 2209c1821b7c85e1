#!/usr/bin/env bash
# Benchmark of the deploy engine against the in-memory CloudFormation/S3 fake (not a test).
#
# Prints, for the production example (stage prod, backup stack):
#   - wall time of a first `mvn fwoa:deploy` (synthesis, toolkit stack, Lambda code upload, two stacks)
#   - wall time, engine time after synthesis and AWS API calls of a no-op redeploy
#     (targets: <= 3 CloudFormation calls, no S3 call, <= 2 s beyond synthesis)
#
# Usage: bench/deploy.sh [extra Maven args, e.g. -Dmaven.repo.local=/path]   (BENCH_SKIP_BUILD=1 to reuse an install)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mvn=("$root/mvnw" -B "$@")
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=20

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  echo "building and installing fwoa (skip with BENCH_SKIP_BUILD=1) ..."
  (cd "$root" && "${mvn[@]}" -q install -DskipTests -Dinvoker.skip=true)
fi
version="$(python3 -c 'import re,sys; print(re.search(r"<artifactId>fwoa-parent</artifactId>\s*<version>([^<]+)</version>", open(sys.argv[1]).read()).group(1))' "$root/pom.xml")"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
example="$root/examples/production/pom.xml"
if [[ -f "$example" ]]; then
  cp "$example" "$work/pom.xml"
  echo "project: examples/production"
else
  # Same settings as the production example: stage prod, daily backup stack.
  sed -e 's#<stage>dev</stage>#<stage>prod</stage><enableBackup>true</enableBackup>#' \
      -e 's#<artifactId>fhir-basic</artifactId>#<artifactId>fhir-production</artifactId>#' \
      "$root/examples/basic/pom.xml" > "$work/pom.xml"
  echo "project: examples/basic with stage prod and enableBackup (examples/production not present)"
fi
# Put the fake on the plugin's class path (test-fixture jar); it is selected with -Dfwoa.awsClientProvider=fake.
python3 - "$work/pom.xml" "$version" <<'PY'
import re, sys
path, version = sys.argv[1], sys.argv[2]
pom = open(path).read()
dep = ("<dependencies><dependency><groupId>io.fwoa</groupId><artifactId>fwoa-maven-plugin</artifactId>"
       "<version>%s</version><classifier>fake-aws</classifier></dependency></dependencies>" % version)
m = re.search(r"<artifactId>fwoa-maven-plugin</artifactId>.*?</plugin>", pom, re.S)
if not m:
    sys.exit("no fwoa-maven-plugin in " + path)
end = m.end() - len("</plugin>")
open(path, "w").write(pom[:end] + dep + pom[end:])
PY

run() { # label -> wall seconds in $wall, log in $work/$label.log
  local label=$1; shift
  local start end
  start=$(date +%s.%N)
  (cd "$work" && "${mvn[@]}" io.fwoa:fwoa-maven-plugin:"$version":deploy -Dfwoa.awsClientProvider=fake "$@") > "$work/$label.log" 2>&1 \
    || { tail -40 "$work/$label.log"; echo "$label failed"; exit 1; }
  end=$(date +%s.%N)
  wall=$(echo "$end - $start" | bc)
}

run first
first_wall=$wall
first_summary=$(grep -o 'fwoa: [0-9]* stack(s) deployed.*' "$work/first.log")
synth_first=$(grep -o 'Synthesized [0-9]* stack(s) in [0-9.]* s' "$work/first.log")

run noop
noop_summary=$(grep -o 'fwoa: [0-9]* stack(s) deployed.*' "$work/noop.log")
synth_noop=$(grep -o 'Synthesized [0-9]* stack(s) in [0-9.]* s' "$work/noop.log")
calls_line=$(tail -1 "$work/target/fake-aws/state.json.calls")
stacks=$(grep -c ': no changes' "$work/noop.log" || true)

echo
echo "== first deploy (fwoa:deploy, fake AWS) =="
printf 'wall time            %.1f s\n' "$first_wall"
echo "synthesis            ${synth_first#Synthesized }"
echo "engine               $first_summary"
echo
echo "== no-op redeploy =="
printf 'wall time            %.1f s\n' "$wall"
echo "synthesis            ${synth_noop#Synthesized }"
echo "engine               $noop_summary"
echo "API calls            ${calls_line#run }"
cfn=$(echo "$calls_line" | grep -o 'CloudFormation:[A-Za-z]*=[0-9]*' | cut -d= -f2 | paste -sd+ | bc)
s3=$(echo "$calls_line" | grep -o 'S3:[A-Za-z0-9]*=[0-9]*' | cut -d= -f2 | paste -sd+ | bc || true)
echo "stacks unchanged     $stacks"
echo "CloudFormation calls $cfn for $stacks stack(s) (target <= 3)"
echo "S3 calls             ${s3:-0} (target 0)"
