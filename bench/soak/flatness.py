#!/usr/bin/env python3
"""Long-run flatness and dedup-window memory (issue #10): run by hand, too long for .ci/run.

Streams N syndicated copies of a corpus (fresh id, other URL, a dateline: the same perturbation as
`newsflow bench`) through `newsflow run --input -` with every stage on, output to /dev/null, and
scrapes /metrics every INTERVAL seconds. Prints one line per interval (articles/s, CPU ms per
article, RSS) and a final JSON line; fails when the last fifth's CPU per article is over 1.25x the
second fifth's or RSS keeps growing after the dedup index is full.

  bench/soak/flatness.py BUILD_DIR --corpus ../shared/data/news/bbc-news.jsonl [--articles 1000000]
                         [--interval 10] [--threads 2] [--stages all] [--max-entries 1000000]

The generator is Python and runs on the same machine (about a tenth of a core at 2,000 articles/s).
"""
import argparse, json, os, subprocess, sys, tempfile, threading, time

ap = argparse.ArgumentParser()
ap.add_argument("build")
ap.add_argument("--corpus", required=True)
ap.add_argument("--articles", type=int, default=1_000_000)
ap.add_argument("--interval", type=float, default=10)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--stages", default="all")
ap.add_argument("--max-entries", type=int, default=1_000_000)
args = ap.parse_args()
NEWSFLOW = os.path.join(args.build, "src/app/newsflow")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from nftest import delivered, free_port, scrape, syndicated_copy


def generate(pipe, corpus):
    """The corpus replayed as syndicated copies until args.articles have been written."""
    n = 0
    try:
        for k in range(1 << 30):
            for rec in corpus:
                if n >= args.articles:
                    return
                pipe.write((json.dumps(syndicated_copy(rec, k), ensure_ascii=False) + "\n").encode())
                n += 1
    except BrokenPipeError:
        pass
    finally:
        try:
            pipe.close()
        except BrokenPipeError:
            pass


def main(tmp):
    corpus = [json.loads(l) for l in open(args.corpus, encoding="utf-8") if l.strip()]
    port = free_port()
    cfg_path = os.path.join(tmp, "flatness.yaml")
    # config/newsflow.yaml plus the window under test (JSON is YAML).
    cfg = {"dedup": {"max_entries": args.max_entries}, "threads": args.threads}
    json.dump(cfg, open(cfg_path, "w"))
    cmd = [NEWSFLOW, "run", "--config", cfg_path, "--input", "-", "--output", "/dev/null",
           "--dlq", os.path.join(tmp, "dlq.jsonl"), "--metrics-bind", f"127.0.0.1:{port}", "--log-level", "warn"]
    if args.stages != "all":
        cmd += ["--stages", args.stages]
    nf = subprocess.Popen(cmd, stdin=subprocess.PIPE, cwd=ROOT)
    gen = threading.Thread(target=generate, args=(nf.stdin, corpus))
    gen.start()
    rows, prev, t0 = [], None, time.time()
    print(f"{'t s':>6} {'articles':>9} {'art/s':>7} {'cpu ms/art':>10} {'rss MiB':>8}", flush=True)
    while nf.poll() is None:
        time.sleep(args.interval)
        m = scrape(port)
        if not m:
            continue
        cur = (time.time() - t0, delivered(m),
               m.get("process_cpu_seconds_total", 0), m.get("process_resident_memory_bytes", 0) / 2**20)
        if prev and cur[1] > prev[1]:
            rate = (cur[1] - prev[1]) / (cur[0] - prev[0])
            cpu_ms = 1000 * (cur[2] - prev[2]) / (cur[1] - prev[1])
            rows.append((cur[0], cur[1], rate, cpu_ms, cur[3]))
            print(f"{cur[0]:6.0f} {cur[1]:9.0f} {rate:7.0f} {cpu_ms:10.3f} {cur[3]:8.1f}", flush=True)
        prev = cur
    gen.join()
    rc = nf.wait()
    if len(rows) < 10:
        print("too few samples"); return 1
    fifth = len(rows) // 5
    second, last = rows[fifth:2 * fifth], rows[-fifth:]
    cpu2 = sum(r[3] for r in second) / len(second)
    cpu5 = sum(r[3] for r in last) / len(last)
    total = rows[-1][1]
    # The index can be full once as many articles as it holds have passed (exact copies are not kept,
    # so it may fill later): growth is measured from that sample on.
    full_at = next((r for r in rows if r[1] >= min(args.max_entries, args.articles)), rows[-1])
    after_full = [r[4] for r in rows if r[0] >= full_at[0]]
    summary = {"articles": total, "seconds": rows[-1][0], "articles_per_s": total / rows[-1][0],
               "cpu_ms_per_article_second_fifth": cpu2, "cpu_ms_per_article_last_fifth": cpu5,
               "rss_peak_mib": max(r[4] for r in rows), "rss_when_index_full_mib": full_at[4],
               "rss_growth_after_full_mib": (max(after_full) - after_full[0]) if after_full else None,
               "max_entries": args.max_entries, "stages": args.stages, "threads": args.threads, "exit": rc}
    print(json.dumps(summary))
    ok = rc == 0 and cpu5 <= 1.25 * cpu2 and (summary["rss_growth_after_full_mib"] or 0) < 64
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


with tempfile.TemporaryDirectory() as tmp:
    sys.exit(main(tmp))
