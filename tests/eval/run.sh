#!/usr/bin/env bash
# Runs every `newsflow eval` listed in tests/eval/thresholds.tsv over the dev data, prints one
# table, and fails when a metric is below its recorded threshold (so quality cannot silently drop).
# Usage: tests/eval/run.sh NEWSFLOW_BINARY DATA_DIR
set -uo pipefail
BIN=${1:?newsflow binary}
DATA=${2:?data directory}
HERE=$(cd "$(dirname "$0")" && pwd)
[ -d "$DATA" ] || { echo "eval: $DATA not found; nothing to evaluate" >&2; exit 0; }

status=0
printf '%-22s %-22s %10s %10s  %s\n' "eval" "metric" "value" "threshold" "result"
while IFS=$'\t' read -r name metric threshold args; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  # shellcheck disable=SC2086
  last=$("$BIN" eval ${args//\$DATA/$DATA} 2>/tmp/newsflow-eval-$name.err | tail -n 1)
  value=$(printf '%s' "$last" | /usr/bin/python3 -c "import json,sys; v=json.load(sys.stdin).get('$metric'); print('null' if v is None else v)" 2>/dev/null || echo "error")
  result=ok
  if [ "$value" = "error" ] || [ "$value" = "null" ]; then
    result="FAIL (no value; see /tmp/newsflow-eval-$name.err)"; status=1
  elif /usr/bin/python3 -c "import sys; sys.exit(0 if float('$value') >= float('$threshold') else 1)"; then
    result=ok
  else
    result="FAIL (below threshold)"; status=1
  fi
  printf '%-22s %-22s %10.4f %10s  %s\n' "$name" "$metric" "${value/null/0}" "$threshold" "$result" 2>/dev/null ||
    printf '%-22s %-22s %10s %10s  %s\n' "$name" "$metric" "$value" "$threshold" "$result"
done < "$HERE/thresholds.tsv"
exit $status
