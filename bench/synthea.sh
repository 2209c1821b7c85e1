#!/usr/bin/env bash
# Generates a reproducible Synthea population (FHIR R4 transaction bundles only) for the ingest
# benchmark and prints the directory holding the bundles. Synthea 3.3.0 (Apache-2.0) and its
# dependencies are resolved from Maven Central once, through the pinned bench/synthea/pom.xml.
# The output is cached under a directory named after the parameters: a second call only prints it.
#
#   bench/synthea.sh [population] [seed]      # defaults: 35 living patients, seed 1
#
# With the defaults the population is 39 patient bundles (35 alive, 4 deceased) plus the hospital
# and practitioner bundles: 54,914 resources, 159 MB, ~2 min to generate on the 2-core machine.
# Same parameters, same bundles (only the timestamp in the two information bundles' file names
# differs): the reference date is fixed, and the clinician seed follows the seed.
set -euo pipefail
cd "$(dirname "$0")/.."
population=${1:-35}
seed=${2:-1}
reference_date=20250101
version=3.3.0
cache=${FWOA_CACHE_DIR:-$HOME/.cache/fwoa}
lib="$cache/synthea-$version"
out="$cache/synthea-data/v$version-p$population-s$seed-r$reference_date"

if [ ! -f "$lib/.complete" ]; then
  echo "Resolving Synthea $version into $lib" >&2
  rm -rf "$lib"
  ./mvnw -B -q -f bench/synthea/pom.xml dependency:copy-dependencies -DoutputDirectory="$lib" >&2
  touch "$lib/.complete"
fi

if [ ! -f "$out/.complete" ]; then
  echo "Generating $population patients (seed $seed) into $out" >&2
  rm -rf "$out"
  mkdir -p "$out"
  # Run from the output directory: Synthea writes nothing else, but keep any stray file there.
  (cd "$out" && java -Xmx4g -cp "$lib/*" App -s "$seed" -cs "$seed" -p "$population" -r "$reference_date" \
    --exporter.baseDirectory="$out" \
    --exporter.fhir.export=true --exporter.fhir.transaction_bundle=true --exporter.fhir.bulk_data=false \
    --exporter.hospital.fhir.export=true --exporter.practitioner.fhir.export=true \
    --exporter.fhir_stu3.export=false --exporter.fhir_dstu2.export=false \
    --exporter.csv.export=false --exporter.ccda.export=false --exporter.cpcds.export=false \
    --exporter.text.export=false --exporter.json.export=false --exporter.metadata.export=false \
    Massachusetts > "$out/synthea.log" 2>&1) || { tail -20 "$out/synthea.log" >&2; exit 1; }
  touch "$out/.complete"
fi
echo "$out/fhir"
