#!/usr/bin/env bash
# Rebuilds config/models/langid-fallback.bin: the model consulted when CLD2 is unsure. Trained on
# the message catalogs of every installed locale (extract_mo.py --all), for the languages CLD2 can
# return that have at least MIN_CHARS of text. Run from the repo root after building
# newsflow_langid_tool. The result depends on the installed packages (deploy/install-deps.sh).
set -euo pipefail
B=${BUILD:-build}/src/stages/langid
CORPUS=${CORPUS:-/tmp/langid-train-all}
MIN_CHARS=${MIN_CHARS:-2000}
TOP_K=${TOP_K:-2000}
python3 src/stages/langid/scripts/extract_mo.py --all --out "$CORPUS" > "$CORPUS.sizes"
$B/newsflow_langid_tool languages > "$CORPUS.cld2"
langs=$(python3 - "$CORPUS" "$MIN_CHARS" <<'PY'
import os, sys
corpus, min_chars = sys.argv[1], int(sys.argv[2])
cld2 = {l.strip() for l in open(corpus + ".cld2") if l.strip()}
keep = []
for f in sorted(os.listdir(corpus)):
    lang = f[:-4]
    if f.endswith(".txt") and lang in cld2 and os.path.getsize(f"{corpus}/{f}") >= min_chars:
        keep.append(lang)
print(",".join(keep))
PY
)
$B/newsflow_langid_tool train langid --corpus "$CORPUS" --langs "$langs" --top-k "$TOP_K" --out config/models/langid-fallback.bin
