#!/usr/bin/env bash
# Reproduces the langid measurements in ../README.md. Run from the repo root after building
# newsflow_langid_tool and newsflow_langid_tool_default_tables; data from ../shared/data/langid.
set -euo pipefail
B=${BUILD:-build}/src/stages/langid
D=${DATA:-../shared/data/langid}
S=src/stages/langid/scripts
# The committed selection: one standard declaration per language CLD2's full tables return.
UDHR="--data $D/udhr.jsonl --declarations $S/udhr-standard.tsv --min-chars 200"
$B/newsflow_langid_tool languages > /tmp/langid-cld2full.langs
python3 $S/select_udhr.py --data-dir "$D" --min-chars 200 --out /tmp/udhr-std-200.jsonl
python3 $S/select_udhr.py --data-dir "$D" --languages /tmp/langid-cld2full.langs --out /tmp/udhr-cld2-all.jsonl
python3 $S/make_udhr_docs.py --data /tmp/udhr-cld2-all.jsonl --out /tmp/udhr-docs.jsonl
run() { echo "== $*"; "$@" | tail -1; }
for data in "$UDHR" "--data /tmp/udhr-std-200.jsonl" "--data $D/lingua-testdata --format lingua"; do
  run $B/newsflow_langid_tool_default_tables eval langid $data --plain-cld2
  run $B/newsflow_langid_tool eval langid $data --plain-cld2
  run $B/newsflow_langid_tool eval langid $data --model "" --fallback-model ""
  run $B/newsflow_langid_tool eval langid $data --fallback-model ""
  run $B/newsflow_langid_tool eval langid $data
  run $B/newsflow_langid_tool eval langid $data --report-unreliable
done
for p in 128 256 512 1024 2048 1048576; do
  run $B/newsflow_langid_tool eval langid --data /tmp/udhr-docs.jsonl --body-prefix $p
  run $B/newsflow_langid_tool eval langid --data /tmp/udhr-docs.jsonl --body-prefix $p --plain-cld2
done
