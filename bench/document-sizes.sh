#!/usr/bin/env bash
# What gzipping documents over 1 KB (DocumentCodec.PLAIN_LIMIT) does to the Synthea population of
# bench/ingest.sh: how many resources are over the limit, their average size plain and gzipped
# (level 6, as java.util.zip.GZIPOutputStream), and the DynamoDB write units of one copy of every
# item, plain against as stored (1 unit per started KB; each item is counted with 250 bytes of
# key and other attributes besides the document). Resources are measured as Synthea wrote them,
# in compact JSON, without the id and meta the server adds.
#
#   bench/document-sizes.sh [population] [seed]      # bench/synthea.sh's defaults: 35, 1
set -euo pipefail
cd "$(dirname "$0")/.."
data=$(bench/synthea.sh "${1:-35}" "${2:-1}")
node - "$data" <<'JS'
const fs = require('fs'), path = require('path'), zlib = require('zlib');
const dir = process.argv[2], LIMIT = 1024, ATTRIBUTES = 250;
let n = 0, over = 0, overRaw = 0, overGz = 0, unitsPlain = 0, unitsStored = 0;
for (const f of fs.readdirSync(dir).filter(f => f.endsWith('.json'))) {
  for (const e of JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')).entry || []) {
    const raw = Buffer.byteLength(JSON.stringify(e.resource));
    let stored = raw;
    if (raw > LIMIT) {
      stored = zlib.gzipSync(JSON.stringify(e.resource), {level: 6}).length;
      over++; overRaw += raw; overGz += stored;
    }
    n++;
    unitsPlain += Math.ceil((raw + ATTRIBUTES) / 1024);
    unitsStored += Math.ceil((stored + ATTRIBUTES) / 1024);
  }
}
console.log(`resources=${n} over_1KB=${over} (${Math.round(over * 100 / n)}%) `
  + `avg_plain_bytes=${Math.round(overRaw / over)} avg_gzip_bytes=${Math.round(overGz / over)}`);
console.log(`write_units plain=${unitsPlain} stored=${unitsStored} ratio=${(unitsPlain / unitsStored).toFixed(2)}`);
JS
