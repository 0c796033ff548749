#!/usr/bin/env python3
"""DLQ contract: 10,000 lines with 1 % bad of every class → 9,900 outputs, 100 dead letters, each
with its reason and the original bytes; exit 0; blank lines skipped and counted."""
import base64, json, os, random, subprocess, sys, tempfile

binary = sys.argv[1]
stages = sys.argv[2] if len(sys.argv) > 2 else None
rng = random.Random(7)
WORDS = "the council port minister said market rose fell strike talks city river bank plan vote union court".split()

def good(i):
    body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 120)))
    return json.dumps({"id": f"c-{i}", "title": f"Story {i} " + rng.choice(WORDS), "body": body,
                       "source": f"src-{i % 50}", "published_at": None}).encode()

BAD = [  # (expected code, bytes)
    ("malformed_json", b'{"id":"x","title":"unterminated'),
    ("invalid_utf8", b'{"id":"x","title":"bad \xc3\x28 byte"}'),
    ("bom", b'\xef\xbb\xbf{"id":"x","title":"bom"}'),
    ("nul_byte", b'{"id":"x","title":"nul \x00 inside"}'),
    ("too_deep", b'{"id":"x","title":"deep","d":' + b"[" * 2000 + b"]" * 2000 + b"}"),
    ("too_large", b'{"id":"x","title":"big","body":"' + b"a" * (2 * 1024 * 1024) + b'"}'),
    ("wrong_type", b'{"id":"x","title":{"not":"a string"}}'),
    ("missing_id", b'{"title":"no id here","body":"text"}'),
    ("empty_content", b'{"id":"x","title":"","body":""}'),
    ("not_object", b'"a bare string"'),
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
        lines.append(good(i))
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
