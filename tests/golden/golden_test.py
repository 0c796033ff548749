#!/usr/bin/env python3
"""Golden test: tests/golden/input.jsonl through the real binary must give exactly the expected
output and dead letters, and every line must validate against the published JSON Schemas.
Regenerate the expected files after an intended change with: UPDATE_GOLDEN=1 ctest -R golden"""
import json, os, re, subprocess, sys, tempfile
import jsonschema

FIRST_SEEN = re.compile(r'"first_seen_at":"[^"]*"')

def stable(text):
    """Articles without published_at get their processing time as dedup.first_seen_at: mask it."""
    out = []
    for line in text.splitlines(keepends=True):
        if json.loads(line).get("published_at") is None:
            line = FIRST_SEEN.sub('"first_seen_at":"<processing time>"', line)
        out.append(line)
    return "".join(out)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
binary = sys.argv[1]
schema = json.load(open(os.path.join(ROOT, "config/schema/output.schema.json")))
dlq_schema = json.load(open(os.path.join(ROOT, "config/schema/dead-letter.schema.json")))
failures = []

def check(name, stages):
    with tempfile.TemporaryDirectory() as tmp:
        out, dlq = os.path.join(tmp, "out.jsonl"), os.path.join(tmp, "dlq.jsonl")
        # Run from the golden folder so the recorded input path is stable.
        r = subprocess.run([binary, "run", "--input", "input.jsonl", "--output", out, "--dlq", dlq, "--stages", stages,
                            "--threads", "2"], cwd=HERE, capture_output=True, text=True)
        if r.returncode != 0:
            failures.append(f"{name}: exit {r.returncode}: {r.stderr}")
            return
        got_out, got_dlq = stable(open(out).read()), open(dlq).read()
    for line in got_out.splitlines():
        try:
            jsonschema.validate(json.loads(line), schema)
        except jsonschema.ValidationError as e:
            failures.append(f"{name}: output violates schema: {e.message} in {line[:120]}")
    for line in got_dlq.splitlines():
        try:
            jsonschema.validate(json.loads(line), dlq_schema)
        except jsonschema.ValidationError as e:
            failures.append(f"{name}: dead letter violates schema: {e.message}")
    for suffix, got in (("out", got_out), ("dlq", got_dlq)):
        path = os.path.join(HERE, f"expected.{name}.{suffix}.jsonl")
        if os.environ.get("UPDATE_GOLDEN"):
            open(path, "w").write(got)
        elif not os.path.exists(path):
            failures.append(f"{name}: {path} missing (run with UPDATE_GOLDEN=1)")
        elif open(path).read() != got:
            exp = open(path).read().splitlines()
            for i, (a, b) in enumerate(zip(exp, got.splitlines())):
                if a != b:
                    failures.append(f"{name}.{suffix} line {i+1} differs:\n  expected {a[:300]}\n  got      {b[:300]}")
                    break
            else:
                failures.append(f"{name}.{suffix}: {len(exp)} expected lines, got {len(got.splitlines())}")

check("identity", "none")
if os.path.exists(os.path.join(HERE, "expected.all.out.jsonl")) or os.environ.get("UPDATE_GOLDEN") == "all":
    check("all", os.environ.get("GOLDEN_STAGES", "dedup,langid,entities,stance"))

for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
