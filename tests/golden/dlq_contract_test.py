#!/usr/bin/env python3
"""DLQ contract: 10,000 lines with 1 % bad of every class → 9,900 outputs, 100 dead letters, each
with its reason and the original bytes; exit 0; blank lines skipped and counted."""
import base64, json, os, random, subprocess, sys, tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from nftest import BAD_INPUTS, invented_article

binary = sys.argv[1]
stages = sys.argv[2] if len(sys.argv) > 2 else None
rng = random.Random(7)

BAD = BAD_INPUTS + [  # (expected code, bytes)
    ("invalid_utf8", bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x1A, 0x01, 0xFF, 0xFE, 0x80])),  # binary garbage
]

lines, expected_bad = [], []
bad_slots = set(rng.sample(range(10000), 100))
for i in range(10000):
    if i in bad_slots:
        code, raw = BAD[len(expected_bad) % len(BAD)]
        lines.append(raw)
        expected_bad.append((code, raw))
    else:
        lines.append(invented_article(i, rng))
payload = b"\n".join(lines) + b"\n\n   \n"  # two blank lines at the end

with tempfile.TemporaryDirectory() as tmp:
    inp, out, dlq = (os.path.join(tmp, n) for n in ("in.jsonl", "out.jsonl", "dlq.jsonl"))
    open(inp, "wb").write(payload)
    cmd = [binary, "run", "--input", inp, "--output", out, "--dlq", dlq]
    if stages:
        cmd += ["--stages", stages]
    r = subprocess.run(cmd, capture_output=True)
    errors = []
    if r.returncode != 0:
        errors.append(f"exit {r.returncode}: {r.stderr.decode(errors='replace')}")
    outs = open(out, "rb").read().splitlines()
    dls = [json.loads(l) for l in open(dlq, "rb").read().splitlines()]
    if len(outs) != 9900:
        errors.append(f"{len(outs)} outputs, expected 9900")
    if len(dls) != 100:
        errors.append(f"{len(dls)} dead letters, expected 100")
    for (code, raw), d in zip(expected_bad, dls):
        if d["error"]["code"] != code:
            errors.append(f"line {d['input']['line']}: code {d['error']['code']}, expected {code}")
        if base64.b64decode(d["value_base64"]) != raw:
            errors.append(f"line {d['input']['line']}: original bytes not kept")
    ids = [json.loads(o)["id"] for o in outs]
    if ids != sorted(ids, key=lambda s: int(s.split("-")[1])):
        errors.append("output order differs from input order")
    if b"2 blank lines skipped" not in r.stderr:
        errors.append("summary does not count the blank lines: " + r.stderr.decode(errors="replace"))
    for e in errors[:20]:
        print("FAIL:", e)
    print(f"outputs {len(outs)}, dead letters {len(dls)}, exit {r.returncode}")
    sys.exit(1 if errors else 0)
