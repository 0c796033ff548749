#!/usr/bin/env python3
"""Kafka → Kafka throughput (and latency at a given rate) of newsflow against a running broker.

bench/kafka_bench.py NEWSFLOW KAFKA_TEST_TOOL [--corpus ../shared/data/news/bbc-news.jsonl] [--repeat 20]
                     [--stages none|all|LIST] [--identity-too] [--threads N]
                     [--guarantee at_least_once|exactly_once|both] [--rounds 1] [--rate R]

Replays the corpus REPEAT times into a new 4-partition topic (produced with kcat); replays are
syndicated copies as in `newsflow bench` (fresh id, other URL, a dateline before the body), so dedup
does real work. Then runs `newsflow run` with STAGES on it and times from the first to the last
delivered record (scraped from /metrics). `--identity-too` also runs the identity graph (no
stages, at-least-once) over the same input, the I/O ceiling of the same run, and reports the ratio.
`--rate R` measures latency instead: newsflow starts on an empty topic, the input is produced
while it runs at R articles/s (kcat fed line by line, linger 5 ms), and p50/p99 of
newsflow_end_to_end_latency_seconds (record timestamp → output delivery report) are read from
/metrics, interpolated within the histogram's buckets: for the whole run, and for the steady state
after the first WARMUP seconds of production (the start-up — first fetch, producer id, cold
caches — is left out; a histogram snapshot taken then is subtracted). `--guarantee both` runs at_least_once and exactly_once over the same input
(each its own group and output topics), alternating ROUNDS times, and reports the exactly-once /
at-least-once ratio of the medians; an exactly-once run also waits until its committed offsets
reach the end. Needs KAFKA_BOOTSTRAP. The last stdout line is one JSON object.
"""
import argparse, json, os, re, signal, subprocess, sys, tempfile, threading, time, urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "lib"))
from nftest import BIG_RECORDS, COMPACTED, KafkaTool, delivered, free_port, metrics_text, parse_metrics, syndicated_copy

ap = argparse.ArgumentParser()
ap.add_argument("newsflow")
ap.add_argument("tool")
ap.add_argument("--corpus", default="../shared/data/news/bbc-news.jsonl")
ap.add_argument("--repeat", type=int, default=20)
ap.add_argument("--threads", type=int, default=0)
ap.add_argument("--stages", default="none", help="none | all | comma-separated list")
ap.add_argument("--identity-too", action="store_true", help="also run the identity graph over the same input")
ap.add_argument("--rate", type=float, default=0, help="latency mode: produce the input at this rate while newsflow runs")
ap.add_argument("--warmup", type=float, default=3, help="latency mode: seconds of production left out of the steady-state figures")
ap.add_argument("--guarantee", choices=["at_least_once", "exactly_once", "both"], default="at_least_once")
ap.add_argument("--rounds", type=int, default=1)
ap.add_argument("--txn-interval-ms", type=int, default=0, help="kafka.transaction.interval_ms (0: the default)")
ap.add_argument("--txn-max-records", type=int, default=0, help="kafka.transaction.max_records (0: the default)")
args = ap.parse_args()
boot = os.environ["KAFKA_BOOTSTRAP"]
tag = f"nfbench{os.getpid()}"
tool = KafkaTool(args.tool, boot)
raw = f"{tag}.raw"
tool("create", boot, raw, "4", *BIG_RECORDS)

def delete_topics(*names):
    try:
        tool("delete", boot, *names)
    except RuntimeError as e:  # leftovers are named by pid: never a reason to fail a finished run
        print(f"kafka_bench: {e}", file=sys.stderr)


lines = [json.loads(l) for l in open(args.corpus, encoding="utf-8") if l.strip()]
with tempfile.TemporaryDirectory() as tmp:
    data = os.path.join(tmp, "in.jsonl")
    total, nbytes = 0, 0
    with open(data, "w", encoding="utf-8") as f:
        for r in range(args.repeat):
            for a in lines:
                s = json.dumps(syndicated_copy(a, r), ensure_ascii=False)
                f.write(s + "\n")
                total += 1
                nbytes += len(s.encode())
    if not args.rate:
        with open(data, "rb") as f:  # one message per line
            subprocess.run(["kcat", "-P", "-b", boot, "-t", raw, "-z", "none", "-X", "linger.ms=20"], stdin=f, check=True)

    def produce_paced(rate, topic):
        """Feeds kcat one line every 1/rate s (in 5 ms slices), so the input arrives as a stream."""
        kc = subprocess.Popen(["kcat", "-P", "-b", boot, "-t", topic, "-z", "none", "-X", "linger.ms=5"],
                              stdin=subprocess.PIPE)
        t0 = time.time()
        with open(data, "rb") as f:
            for i, line in enumerate(f):
                due = t0 + i / rate
                if due > time.time():
                    kc.stdin.flush()
                    time.sleep(max(0.0, due - time.time()))
                kc.stdin.write(line)
        kc.stdin.close()
        kc.wait()

    def buckets(text):
        return sorted((float(le.replace("+Inf", "inf")), float(c)) for le, c in
                      re.findall(r'^newsflow_end_to_end_latency_seconds_bucket\{le="([^"]+)"\} (\S+)', text, re.M))

    def quantile(buckets, q):
        """q-quantile of a cumulative histogram [(le, count)], linear within the bucket."""
        n = buckets[-1][1]
        lo_le, lo_c = 0.0, 0.0
        for le, c in buckets:
            if c >= q * n:
                if le == float("inf"):
                    return lo_le
                return lo_le + (le - lo_le) * ((q * n - lo_c) / (c - lo_c) if c > lo_c else 1.0)
            lo_le, lo_c = le, c
        return lo_le

    def run_once(guarantee, run, stages):
        # Each run its own dedup state: a shared one would make every later run's articles duplicates.
        # Latency mode produces while newsflow runs: each run its own input topic too.
        outs = tool.create_topics(f"{tag}.{run}", 4, ("out", "dup", "dlq", "state") + (("raw",) if args.rate else ()),
                                  {"dlq": BIG_RECORDS, "state": COMPACTED, "raw": BIG_RECORDS})
        inp = outs.get("raw", raw)
        group = f"{tag}.{run}"
        port = free_port()
        cfg = {"threads": args.threads, "metrics": {"bind": f"127.0.0.1:{port}"},
               "kafka": {"bootstrap_servers": boot, "group_id": group, "processing_guarantee": guarantee,
                         "topics": {"input": inp, "output": outs["out"], "duplicates": outs["dup"],
                                    "dlq": outs["dlq"], "dedup_state": outs["state"]}}}
        if stages != "all":
            cfg["stages"] = [x for x in stages.split(",") if x and x != "none"]
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
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # model paths are relative to it
        p = subprocess.Popen([os.path.abspath(args.newsflow), "run", "--config", cfg_path], stderr=open(log_path, "w"),
                             cwd=root)
        first = last = None
        producer = None
        if args.rate:
            ready_by = time.time() + 60
            while time.time() < ready_by:  # start producing once newsflow has its partitions
                try:
                    if urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2).status == 200:
                        break
                except Exception:
                    pass
                time.sleep(0.1)
            producer = threading.Thread(target=produce_paced, args=(args.rate, inp))
            producer.start()
        text = ""
        warm_at, warm_buckets = (time.time() + args.warmup) if args.rate else None, None
        deadline = time.time() + 600
        try:
            while time.time() < deadline:
                if p.poll() is not None:
                    raise SystemExit(f"newsflow exited ({p.returncode}): " + open(log_path).read()[-2000:])
                text = metrics_text(port)
                if not text:
                    time.sleep(0.05); continue
                done = delivered(parse_metrics(text))
                now = time.time()
                if warm_at and warm_buckets is None and now >= warm_at:
                    warm_buckets = buckets(text)
                if done > 0 and first is None:
                    first = (now, done)
                if done >= total:
                    last = (now, done)
                    break
                time.sleep(0.05)
            committed_after = None
            if guarantee == "exactly_once" and last:  # outputs count only once their transaction commits
                while time.time() < deadline:
                    try:
                        offs = tool.offsets(group, inp)
                    except RuntimeError:  # the group may not be known to the broker yet: ask again
                        offs = {}
                    if offs and all(c == e for e, c in offs.values()):
                        committed_after = round(time.time() - last[0], 2)
                        break
                    time.sleep(0.05)
        finally:
            if producer:
                producer.join()
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=60)
            delete_topics(*outs.values())
        summary = open(log_path).read().strip().splitlines()[-1:]
        secs = last[0] - first[0]
        rate = (last[1] - first[1]) / secs
        r = {"guarantee": guarantee, "stages": stages, "articles_per_s": round(rate), "seconds": round(secs, 2),
             "mb_per_s": round(rate * nbytes / total / 1e6, 1), "summary": summary[0] if summary else ""}
        if args.rate:
            b = buckets(text)
            steady = [(le, c - w) for (le, c), (_, w) in zip(b, warm_buckets)] if warm_buckets else []
            for name, h in (("", b), ("steady_", steady)):
                if h and h[-1][1] > 0:
                    r.update({f"{name}p50_ms": round(1000 * quantile(h, 0.5), 2), f"{name}p99_ms": round(1000 * quantile(h, 0.99), 2),
                              f"{name}share_within_50ms": round(next(c for le, c in h if le >= 0.05) / h[-1][1], 4),
                              f"{name}observations": int(h[-1][1])})
            r["offered_per_s"] = args.rate
        if committed_after is not None:
            r["all_committed_s_after_last_delivery"] = committed_after
        print(json.dumps(r), flush=True)
        return r

    guarantees = ["at_least_once", "exactly_once"] if args.guarantee == "both" else [args.guarantee]
    results = {g: [] for g in guarantees}
    identity = []
    for rnd in range(args.rounds):
        order = guarantees if rnd % 2 == 0 else guarantees[::-1]  # alternate: neither always runs first
        for g in order:
            results[g].append(run_once(g, f"{g}{rnd}", args.stages))
        if args.identity_too:
            identity.append(run_once("at_least_once", f"identity{rnd}", "none"))
    delete_topics(raw)

med = {g: sorted(r["articles_per_s"] for r in rs)[len(rs) // 2] for g, rs in results.items()}
out = {"articles": total, "mean_article_bytes": round(nbytes / total), "stages": args.stages, "threads": args.threads,
       "rounds": args.rounds,
       "txn_interval_ms": args.txn_interval_ms or "default", "txn_max_records": args.txn_max_records or "default",
       "articles_per_s": med}
if len(med) == 2:
    out["exactly_once_ratio"] = round(med["exactly_once"] / med["at_least_once"], 3)
if identity:
    out["identity_articles_per_s"] = sorted(r["articles_per_s"] for r in identity)[len(identity) // 2]
    out["ratio_to_identity"] = {g: round(v / out["identity_articles_per_s"], 3) for g, v in med.items()}
if args.rate:
    out["latency"] = {g: {k: rs[len(rs) // 2].get(k) for k in ("p50_ms", "p99_ms", "share_within_50ms", "steady_p50_ms",
                                                              "steady_p99_ms", "steady_share_within_50ms")}
                      for g, rs in results.items()}
    out["warmup_s"] = args.warmup
print(json.dumps(out))
