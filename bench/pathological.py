#!/usr/bin/env python3
"""Worst-case single records: the seconds one record within the documented limits costs.

One article holds every later output back (output is in input order), so a stage whose cost grows
faster than linearly with an article's size lets one record stall the pipeline. Cases, each at
50/100/200 KB of body (limits.max_field_bytes is 1 MiB):
  no-punctuation  real news text with . ! ? and newlines removed: one sentence of ~35 k words
  repeated-word   "word word word ...": one token repeated
  unclosed-quotes "« word « word ...": opening marks that never close
  capitalised     "Alpha Kilo Tango ...": capitalised words from a small set, all candidate names
  one-word        one 50–200 KB "word" without a space
Each case runs `newsflow run --threads 1` on a file holding the one article, per stage set, and
reports wall seconds (best of --rounds).

    bench/pathological.py build/src/app/newsflow --corpus ../shared/data/news/bbc-news.jsonl
"""
import argparse, json, os, subprocess, tempfile, time

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument("newsflow")
ap.add_argument("--corpus", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data",
                                                 "news", "bbc-news.jsonl"), help="JSONL articles with a body")
ap.add_argument("--sizes", default="50,100,200", help="body sizes in KB")
ap.add_argument("--stages", default="all,entities,stance", help="stage sets ('all' = the default list)")
ap.add_argument("--rounds", type=int, default=1)
args = ap.parse_args()

text = []
with open(args.corpus) as f:
    for line in f:
        text.append(json.loads(line).get("body", ""))
        if sum(map(len, text)) > 400_000:
            break
flat = " ".join(text)
for ch in ".!?\n":
    flat = flat.replace(ch, " ")
flat = " ".join(flat.split())

cases = []
for kb in (int(s) for s in args.sizes.split(",")):
    cases.append(("no-punctuation", kb, flat[: kb * 1000].rsplit(" ", 1)[0]))
    cases.append(("repeated-word", kb, "word " * (kb * 1000 // 5)))
    cases.append(("unclosed-quotes", kb, "\u00ab word " * (kb * 1000 // 8)))
    names = "Alpha Bravo Charlie Delta Echo Foxtrot Golf Hotel India Juliett Kilo Lima Mike Tango".split()
    cases.append(("capitalised", kb, " ".join(names[(i * 7) % len(names)] for i in range(kb * 1000 // 6))))
    cases.append(("one-word", kb, "a" * (kb * 1000)))

print(f"{'case':16} {'KB':>4} " + " ".join(f"{s:>10}" for s in args.stages.split(",")))
with tempfile.TemporaryDirectory(prefix="newsflow-patho-") as tmp:
    for name, kb, body in cases:
        path = os.path.join(tmp, "in.jsonl")
        with open(path, "w") as f:
            f.write(json.dumps({"id": f"{name}-{kb}", "title": "One long article", "body": body}) + "\n")
        row = []
        for stages in args.stages.split(","):
            cmd = [args.newsflow, "run", "--threads", "1", "--input", path, "--output", os.path.join(tmp, "out.jsonl")]
            if stages != "all":
                cmd += ["--stages", stages]
            best = None
            for _ in range(args.rounds):
                t0 = time.monotonic()
                r = subprocess.run(cmd, capture_output=True, text=True)
                dt = time.monotonic() - t0
                if r.returncode != 0:
                    raise SystemExit(f"{' '.join(cmd)}: exit {r.returncode}\n{r.stderr[-2000:]}")
                best = dt if best is None else min(best, dt)
            row.append(best)
        print(f"{name:16} {kb:>4} " + " ".join(f"{s:>9.2f}s" for s in row), flush=True)
