#!/usr/bin/env python3
"""Kafka → Kafka throughput of the identity graph (no stages) against a running broker.

bench/kafka_identity.py NEWSFLOW KAFKA_TEST_TOOL [--corpus ../shared/data/news/bbc-news.jsonl] [--repeat 20]
                        [--guarantee at_least_once|exactly_once|both] [--rounds 1]

Replays the corpus REPEAT times with fresh ids into a new 4-partition topic (produced with kcat),
then runs `newsflow run` (stages: []) on it and times from the first to the last delivered record
(scraped from /metrics). `--guarantee both` runs at_least_once and exactly_once over the same input
(each its own group and output topics), alternating ROUNDS times, and reports the exactly-once /
at-least-once ratio of the medians; an exactly-once run also waits until its committed offsets
reach the end. Needs KAFKA_BOOTSTRAP. The last stdout line is one JSON object.
"""
import argparse, json, os, re, signal, socket, subprocess, tempfile, time, urllib.request

ap = argparse.ArgumentParser()
ap.add_argument("newsflow")
ap.add_argument("tool")
ap.add_argument("--corpus", default="../shared/data/news/bbc-news.jsonl")
ap.add_argument("--repeat", type=int, default=20)
ap.add_argument("--threads", type=int, default=0)
ap.add_argument("--guarantee", choices=["at_least_once", "exactly_once", "both"], default="at_least_once")
ap.add_argument("--rounds", type=int, default=1)
ap.add_argument("--txn-interval-ms", type=int, default=0, help="kafka.transaction.interval_ms (0: the default)")
ap.add_argument("--txn-max-records", type=int, default=0, help="kafka.transaction.max_records (0: the default)")
args = ap.parse_args()
boot = os.environ["KAFKA_BOOTSTRAP"]
tag = f"nfbench{os.getpid()}"
topics = {n: f"{tag}.{n}" for n in ("raw", "out", "dup", "dlq", "state")}
for n, t in topics.items():
    subprocess.run([args.tool, "create", boot, t, "4"] + (["max.message.bytes=8388608"] if n in ("raw", "dlq") else []), check=True)

lines = [json.loads(l) for l in open(args.corpus, encoding="utf-8") if l.strip()]
with tempfile.TemporaryDirectory() as tmp:
    data = os.path.join(tmp, "in.jsonl")
    total, nbytes = 0, 0
    with open(data, "w", encoding="utf-8") as f:
        for r in range(args.repeat):
            for a in lines:
                a = dict(a, id=f"{a['id']}#{r}")
                s = json.dumps(a, ensure_ascii=False)
                f.write(s + "\n")
                total += 1
                nbytes += len(s.encode())
    with open(data, "rb") as f:  # one message per line
        subprocess.run(["kcat", "-P", "-b", boot, "-t", topics["raw"], "-z", "none", "-X", "linger.ms=20"], stdin=f, check=True)

    def run_once(guarantee, run):
        outs = {n: f"{tag}.{run}.{n}" for n in ("out", "dup", "dlq")}
        for n, t in outs.items():
            subprocess.run([args.tool, "create", boot, t, "4"] + (["max.message.bytes=8388608"] if n == "dlq" else []), check=True)
        group = f"{tag}.{run}"
        s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
        cfg = {"stages": [], "threads": args.threads, "metrics": {"bind": f"127.0.0.1:{port}"},
               "kafka": {"bootstrap_servers": boot, "group_id": group, "processing_guarantee": guarantee,
                         "topics": {"input": topics["raw"], "output": outs["out"], "duplicates": outs["dup"],
                                    "dlq": outs["dlq"], "dedup_state": topics["state"]}}}
        txn = {}
        if args.txn_interval_ms:
            txn["interval_ms"] = args.txn_interval_ms
        if args.txn_max_records:
            txn["max_records"] = args.txn_max_records
        if txn and guarantee == "exactly_once":
            cfg["kafka"]["transaction"] = txn
        cfg_path = os.path.join(tmp, f"{run}.yaml")
        open(cfg_path, "w").write(json.dumps(cfg))
        log_path = os.path.join(tmp, f"{run}.log")
        p = subprocess.Popen([args.newsflow, "run", "--config", cfg_path], stderr=open(log_path, "w"))
        first = last = None
        deadline = time.time() + 600
        try:
            while time.time() < deadline:
                try:
                    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2).read().decode()
                except Exception:
                    time.sleep(0.05); continue
                done = sum(float(m) for m in re.findall(r'^newsflow_output_records_total\{[^}]*\} (\S+)', text, re.M))
                now = time.time()
                if done > 0 and first is None:
                    first = (now, done)
                if done >= total:
                    last = (now, done)
                    break
                time.sleep(0.05)
            committed_after = None
            if guarantee == "exactly_once" and last:  # outputs count only once their transaction commits
                while time.time() < deadline:
                    rows = [l.split("\t") for l in subprocess.run([args.tool, "offsets", boot, group, topics["raw"]],
                                                                  capture_output=True, text=True).stdout.splitlines()]
                    if rows and all(c == e for _, e, c in rows):
                        committed_after = round(time.time() - last[0], 2)
                        break
                    time.sleep(0.05)
        finally:
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=60)
            subprocess.run([args.tool, "delete", boot, *outs.values()])
        summary = open(log_path).read().strip().splitlines()[-1:]
        secs = last[0] - first[0]
        rate = (last[1] - first[1]) / secs
        r = {"guarantee": guarantee, "articles_per_s": round(rate), "seconds": round(secs, 2),
             "mb_per_s": round(rate * nbytes / total / 1e6, 1), "summary": summary[0] if summary else ""}
        if committed_after is not None:
            r["all_committed_s_after_last_delivery"] = committed_after
        print(json.dumps(r), flush=True)
        return r

    guarantees = ["at_least_once", "exactly_once"] if args.guarantee == "both" else [args.guarantee]
    results = {g: [] for g in guarantees}
    for rnd in range(args.rounds):
        order = guarantees if rnd % 2 == 0 else guarantees[::-1]  # alternate: neither always runs first
        for g in order:
            results[g].append(run_once(g, f"{g}{rnd}"))
    subprocess.run([args.tool, "delete", boot, *topics.values()])

med = {g: sorted(r["articles_per_s"] for r in rs)[len(rs) // 2] for g, rs in results.items()}
out = {"articles": total, "mean_article_bytes": round(nbytes / total), "threads": args.threads, "rounds": args.rounds,
       "txn_interval_ms": args.txn_interval_ms or "default", "txn_max_records": args.txn_max_records or "default",
       "articles_per_s": med}
if len(med) == 2:
    out["exactly_once_ratio"] = round(med["exactly_once"] / med["at_least_once"], 3)
print(json.dumps(out))
