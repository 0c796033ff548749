#!/usr/bin/env python3
"""Compliance: every stage newsflow registers emits the standard per-stage metrics (owned by the
graph adapter, not the stage): newsflow_stage_records_total{stage,outcome} for ok/error/skipped,
newsflow_stage_duration_seconds{stage} and newsflow_stage_queue_depth{stage}; and a JSONL run
observes end-to-end latency (the record timestamp is the read time).

Registered stages are discovered from the binary: each name in config/newsflow.yaml's `stages`
list is tried with `--stages NAME`; "unknown stage" means not (yet) registered."""
import os, re, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from promlib import ROOT, Newsflow, expect, failures, http_get, sample_value, wait_for

binary = sys.argv[1]
def candidate_stages():
    text = open(os.path.join(ROOT, "config", "newsflow.yaml")).read()
    m = re.search(r"^#?\s*stages:\s*\[([^\]]*)\]", text, re.M)
    names = [s.strip() for s in m.group(1).split(",")] if m else []
    return [n for n in names if n] or ["dedup", "langid", "entities", "stance"]


with tempfile.TemporaryDirectory(prefix="newsflow-stages-") as tmp:
    empty = os.path.join(tmp, "empty.jsonl")
    open(empty, "w").close()
    registered = []
    for name in candidate_stages():
        r = subprocess.run([binary, "run", "--stages", name, "--input", empty, "--output", os.path.join(tmp, "o.jsonl")],
                           capture_output=True, text=True, timeout=120)
        if r.returncode == 78 and "unknown stage" in r.stderr:
            continue
        registered.append(name)
    print("registered stages:", registered or "(none yet)")
    expected = ["parse", *registered, "serialise"]

    # The default stage list is every registered stage: one run exercises them all.
    nf = Newsflow(binary, tmp)
    try:
        wait_for("newsflow /metrics", lambda: http_get(nf.url())[0] == 200, timeout=60)
        nf.send_articles(30, bad_every=20)
        nf.write(["", "   "])  # blank lines: skipped, and counted while the run goes on
        nf.send_articles(30, bad_every=20)
        def all_counted():
            t = nf.metrics()
            done = sum(sample_value(t, f'newsflow_output_records_total{{route="{r}"}}') or 0
                       for r in ("output", "duplicates", "drop", "dead_letter"))
            return done >= 60 and t
        text = wait_for("60 records through the graph", all_counted, timeout=120)
        stages_seen = set(re.findall(r'newsflow_stage_queue_depth\{stage="([^"]+)"\}', text))
        expect(stages_seen == set(expected), f"stages with metrics {sorted(stages_seen)}, want {sorted(expected)}")
        for stage in expected:
            for outcome in ("ok", "error", "skipped"):
                expect(sample_value(text, f'newsflow_stage_records_total{{outcome="{outcome}",stage="{stage}"}}') is not None,
                       f"{stage}: records_total{{outcome={outcome}}} exported")
            handled = sum(sample_value(text, f'newsflow_stage_records_total{{outcome="{o}",stage="{stage}"}}') or 0 for o in ("ok", "error"))
            expect(handled >= 1, f"{stage}: handled articles counted ({handled})")
            count = sample_value(text, f'newsflow_stage_duration_seconds_count{{stage="{stage}"}}')
            expect(count is not None and count >= 1, f"{stage}: duration histogram observed ({count})")
            expect(f'newsflow_stage_duration_seconds_bucket{{stage="{stage}",le="+Inf"}}' in text, f"{stage}: duration buckets")
            expect(sample_value(text, f'newsflow_stage_queue_depth{{stage="{stage}"}}') is not None, f"{stage}: queue depth gauge")
        parse_ok = sample_value(text, 'newsflow_stage_records_total{outcome="ok",stage="parse"}')
        parse_error = sample_value(text, 'newsflow_stage_records_total{outcome="error",stage="parse"}')
        expect(parse_ok == nf.good and parse_error == nf.bad,
               f"parse: each good record ok ({parse_ok} of {nf.good}), each malformed one an error ({parse_error} of {nf.bad})")
        e2e = sample_value(text, "newsflow_end_to_end_latency_seconds_count")
        delivered = sum(sample_value(text, f'newsflow_output_records_total{{route="{r}"}}') or 0 for r in ("output", "duplicates"))
        expect(e2e == delivered and e2e > 0, f"end-to-end latency observed per delivered article ({e2e} vs {delivered})")
        expect(sample_value(text, "newsflow_ready") == 1, "newsflow_ready is 1 while running")
        blank = sample_value(text, "newsflow_input_blank_lines_total")
        expect(blank == 2, f"blank lines counted during the run ({blank})")
        rc = nf.finish()
        expect(rc == 0, f"exit code {rc}")
    finally:
        nf.kill()

sys.exit(1 if failures else 0)
