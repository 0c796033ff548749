#!/usr/bin/env python3
"""Back-pressure soak (issue #11, reliability plan): run by hand, too long for .ci/run.

newsflow in Kafka mode for DURATION seconds (default 600) while a producer feeds the input topic at
RATE articles/s; every PERIOD seconds (default 120) the output side is throttled for THROTTLE seconds
(default 60) with a Kafka client quota on newsflow's producer client.id (producer_byte_rate=1 KiB/s:
the broker delays its produce responses, the input keeps flowing). Reports, and fails on:
  in-flight     peak newsflow_in_flight_records (from /metrics every 0.5 s) <= limits.max_in_flight
  RSS growth    process_resident_memory_bytes, last minute's max - first measured minute's max < 64 MiB
                (the first measured minute starts after --warmup seconds: give the dedup index time
                to fill up to --dedup-max-entries, which is state, not buffering)
  rebalances    no revoke/lost in the log before shutdown
  lost          every produced id in the output topic (read after the run)

Needs a running broker (deploy/kafka/kafka.sh start; env KAFKA_BOOTSTRAP, default 127.0.0.1:9092) and a build:
  bench/soak/backpressure_soak.py BUILD_DIR [--duration 600] [--rate 1000] [--period 120] [--throttle 60]
                                  [--max-in-flight 2000] [--stages dedup,langid] [--dedup-max-entries N]
                                  [--warmup 0]
"""
import argparse, json, os, random, re, signal, subprocess, sys, tempfile, threading, time

ap = argparse.ArgumentParser()
ap.add_argument("build")
ap.add_argument("--duration", type=int, default=600)
ap.add_argument("--rate", type=int, default=1000)
ap.add_argument("--period", type=int, default=120)
ap.add_argument("--throttle", type=int, default=60)
ap.add_argument("--max-in-flight", type=int, default=2000)
# dedup keeps one index entry per distinct article (72 h window): its state grows with the input,
# which is not back-pressure memory. Measure buffering with --stages langid.
ap.add_argument("--stages", default="dedup,langid")
ap.add_argument("--dedup-max-entries", type=int, default=0, help="dedup.max_entries (0: the default, 1,000,000)")
ap.add_argument("--warmup", type=int, default=0, help="seconds before the first measured minute of RSS")
args = ap.parse_args()
BOOT = os.environ.get("KAFKA_BOOTSTRAP", "127.0.0.1:9092")
NEWSFLOW = os.path.join(args.build, "src/app/newsflow")
TOOL = os.path.join(args.build, "tests/kafka/kafka_test_tool")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KAFKA_LIB = os.environ.get("KAFKA_LIB_DIR", os.path.join(ROOT, "deploy/kafka/lib"))
CLIENT_ID = f"newsflow-soak-{os.getpid()}"
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from nftest import WORDS, KafkaTool, delivered, free_port, scrape
tool = KafkaTool(TOOL, BOOT)


def quota(rate):  # producer_byte_rate for newsflow's client.id; None removes it
    action = ["--add-config", f"producer_byte_rate={rate}"] if rate else ["--delete-config", "producer_byte_rate"]
    subprocess.run(["java", "-Xmx256m", "-cp", f"{KAFKA_LIB}/*", "kafka.admin.ConfigCommand", "--bootstrap-server", BOOT,
                    "--alter", *action, "--entity-type", "clients", "--entity-name", CLIENT_ID],
                   check=True, capture_output=True, timeout=120)


def main(tmp):
    tag = f"soak{os.getpid()}"
    topics = tool.create_topics(tag, 4)
    port = free_port()
    cfg = {"stages": [s for s in args.stages.split(",") if s], "threads": 2, "limits": {"max_in_flight": args.max_in_flight},
           **({"dedup": {"max_entries": args.dedup_max_entries}} if args.dedup_max_entries else {}),
           "metrics": {"bind": f"127.0.0.1:{port}"},
           "kafka": {"bootstrap_servers": BOOT, "group_id": tag, "topics": {
               "input": topics["raw"], "output": topics["out"], "duplicates": topics["dup"], "dlq": topics["dlq"],
               "dedup_state": topics["state"]}, "producer": {"client.id": CLIENT_ID}}}
    cfg_path = os.path.join(tmp, "soak.yaml")
    json.dump(cfg, open(cfg_path, "w"))
    log_path = os.path.join(tmp, "newsflow.log")
    nf = subprocess.Popen([NEWSFLOW, "run", "--config", cfg_path], stdout=open(log_path, "wb"), stderr=subprocess.STDOUT)

    produced, stop = [0], threading.Event()
    rng = random.Random(3)

    def producer():  # RATE articles/s in 1 s batches
        i = 0
        while not stop.is_set():
            t0 = time.time()
            lines = []
            for _ in range(args.rate):
                body = " ".join(rng.choice(WORDS) for _ in range(60)) + f" {i}"
                v = json.dumps({"id": f"{tag}-{i}", "title": f"Story {i}", "body": body}).encode()
                lines.append(f"{f'{tag}-{i}'.encode().hex()}\t{v.hex()}\t")
                i += 1
            tool("produce", BOOT, topics["raw"], stdin=("\n".join(lines) + "\n").encode())
            produced[0] = i
            time.sleep(max(0.0, 1.0 - (time.time() - t0)))

    pt = threading.Thread(target=producer)
    pt.start()
    samples, throttled, start = [], False, time.time()
    try:
        while time.time() - start < args.duration:
            el = time.time() - start
            want = (el % args.period) >= (args.period - args.throttle)
            if want != throttled:
                quota(1024 if want else None)
                throttled = want
                print(f"{el:6.0f} s: output {'throttled' if want else 'unthrottled'}", flush=True)
            m = scrape(port)
            if m:
                samples.append((el, m.get("newsflow_in_flight_records", 0), m.get("process_resident_memory_bytes", 0),
                                delivered(m)))
            if nf.poll() is not None:
                print("newsflow exited early", nf.returncode)
                break
            time.sleep(0.5)
    finally:
        if throttled:
            quota(None)
        stop.set()
        pt.join()
    # Let it finish the backlog, then stop it.
    deadline = time.time() + 300
    while time.time() < deadline:
        m = scrape(port) or {}
        if delivered(m) >= produced[0]:
            break
        time.sleep(1)
    nf.send_signal(signal.SIGTERM)
    rc = nf.wait(timeout=60)
    log = open(log_path, "rb").read().decode(errors="replace")
    keys = set()
    for line in tool("consume", BOOT, topics["out"]).splitlines():
        k = line.split("\t")[2]
        if k != "-":
            keys.add(bytes.fromhex(k).decode())
    lost = produced[0] - len({k for k in keys if k.startswith(tag)})
    peak = max(s[1] for s in samples) if samples else -1
    first = [s[2] for s in samples if args.warmup <= s[0] < args.warmup + 60]
    last = [s[2] for s in samples if s[0] > samples[-1][0] - 60] if samples else []
    growth = (max(last) - max(first)) / 2**20 if first and last else float("nan")
    rebalances = len(re.findall(r"(revoked|lost) \d+ partition", log.split("stopping:")[0]))
    print(json.dumps({"duration_s": args.duration, "rate": args.rate, "stages": args.stages, "produced": produced[0], "lost": lost,
                      "peak_in_flight": peak, "bound": args.max_in_flight, "warmup_s": args.warmup,
                      "dedup_max_entries": args.dedup_max_entries or None,
                      "rss_first_min_mib": max(first) / 2**20 if first else None,
                      "rss_growth_mib": growth, "rebalances": rebalances, "exit": rc}))
    tool("delete", BOOT, *topics.values())
    ok = lost == 0 and 0 <= peak <= args.max_in_flight and growth < 64 and rebalances == 0 and rc == 0
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


with tempfile.TemporaryDirectory() as tmp:
    sys.exit(main(tmp))
