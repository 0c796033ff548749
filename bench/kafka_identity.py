#!/usr/bin/env python3
"""Kafka → Kafka throughput of the identity graph (no stages) against a running broker.

bench/kafka_identity.py NEWSFLOW KAFKA_TEST_TOOL [--corpus ../shared/data/news/bbc-news.jsonl] [--repeat 20]

Replays the corpus REPEAT times with fresh ids into a new 4-partition topic (produced with kcat),
then runs `newsflow run` (stages: []) on it and times from the first to the last delivered record
(scraped from /metrics). Needs KAFKA_BOOTSTRAP. The last stdout line is one JSON object.
"""
import argparse, json, os, re, signal, socket, subprocess, tempfile, time, urllib.request

ap = argparse.ArgumentParser()
ap.add_argument("newsflow")
ap.add_argument("tool")
ap.add_argument("--corpus", default="../shared/data/news/bbc-news.jsonl")
ap.add_argument("--repeat", type=int, default=20)
ap.add_argument("--threads", type=int, default=0)
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
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    cfg = {"stages": [], "threads": args.threads, "metrics": {"bind": f"127.0.0.1:{port}"},
           "kafka": {"bootstrap_servers": boot, "group_id": tag, "topics": {"input": topics["raw"], "output": topics["out"],
                     "duplicates": topics["dup"], "dlq": topics["dlq"], "dedup_state": topics["state"]}}}
    cfg_path = os.path.join(tmp, "c.yaml")
    open(cfg_path, "w").write(json.dumps(cfg))
    p = subprocess.Popen([args.newsflow, "run", "--config", cfg_path], stderr=open(os.path.join(tmp, "log"), "w"))
    first = last = None
    lat = {}
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
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=60)
        subprocess.run([args.tool, "delete", boot, *topics.values()])
secs = last[0] - first[0]
n = last[1] - first[1]
rate = n / secs
print(json.dumps({"articles": total, "mean_article_bytes": round(nbytes / total), "seconds": round(secs, 2),
                  "articles_per_s": round(rate), "mb_per_s": round(rate * nbytes / total / 1e6, 1), "threads": args.threads}))
