#!/usr/bin/env bash
# Regenerates dciodvfy-record.txt: for each source fixture, a derived instance is written by the
# built writer (run `npx tsc -b` first) with pixels v*1.5+0.5, and dciodvfy's report (dicom3tools)
# of the source and of the derived file are recorded, then dcmdump's view of one derived file.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(cd ../../.. && pwd)
FIX=$ROOT/datasets/test/fixtures/dicom
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
{
  echo "# dciodvfy on source fixtures and on derived files written from them"
  echo "# $(dciodvfy 2>&1 | head -1 || true)"
  for name in study/a/slice0.dcm src/ct_u12.dcm src/mr_s16.dcm src/cr_mono1.dcm enc/ct_u12_implicit.dcm enc/ct_u12_be.dcm enc/ct_u12_j2klossy.dcm src/pn_jis.dcm src/pn_latin1.dcm study/noipp/sc0.dcm; do
    d=$OUT/$(echo "$name" | tr / _)
    f=$(node --input-type=module -e "
      import { readDicomFile, writeDerivedSeries } from '$ROOT/datasets/dist/index.js';
      const s = await readDicomFile('$FIX/$name');
      const r = await writeDerivedSeries('$d', [s], [Float32Array.from(s.pixels, (v) => v * 1.5 + 0.5)],
        { key: 'record', seed: 1, derivationDescription: 'scoresde record: operator=none, model=none, guidance=none, sampler=none, steps=0, seed=1' });
      console.log(r.instances[0].path);")
    echo
    echo "## source $name"
    dciodvfy "$FIX/$name" 2>&1 | sed 's/^/  /' || true
    echo "## derived from $name"
    dciodvfy "$f" 2>&1 | sed 's/^/  /' || true
    echo "## new errors in the derived file:"
    comm -13 <(dciodvfy "$FIX/$name" 2>&1 | grep '^Error' | sort || true) <(dciodvfy "$f" 2>&1 | grep '^Error' | sort || true) | sed 's/^/  /'
    [ "$name" = study/a/slice0.dcm ] && first=$f
  done
  echo
  echo "## dcmdump of the derived file from study/a/slice0.dcm"
  dcmdump "$first" | sed 's/^/  /'
} > dciodvfy-record.txt
