#!/usr/bin/env python3
"""newsflow run in Kafka mode against the real broker (tests/kafka/with-broker.sh sets KAFKA_BOOTSTRAP).

pipeline_test.py NEWSFLOW KAFKA_TEST_TOOL MODE, MODE one of
  contract       10,000 articles, 1 % bad of every class (a tombstone, a 2 MiB value and an output over
                 1,000,000 bytes among them), newsflow_dlq_records_total = 100:
                 every good id exactly once in the output topic (read with kcat), 100 DLQ records
                 with the original key/value/headers and the error headers, committed = end offsets.
  sigterm        SIGTERM with ~1,000 records in flight: exit 0 within 30 s; a restart finishes the
                 topic; every id exactly once.
  broker_outage  the broker stopped for 15 s mid-stream and restarted: newsflow recovers by itself, 0 lost.
  backpressure   a tiny producer queue and a frozen broker: in-flight stays within the bound (from
                 /metrics), no rebalance, 0 lost.
Exit 77 (skip) without KAFKA_BOOTSTRAP, unless CI=true. Every wait is bounded; every process started
here is stopped here.
"""
import json, os, random, re, signal, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from nftest import BAD_INPUTS, BIG_RECORDS, KafkaTool, delivered, fail, failures, free_port, invented_article, kafka_bootstrap, scrape

NEWSFLOW, TOOL, MODE = sys.argv[1], sys.argv[2], sys.argv[3]
BOOT = kafka_bootstrap()
tool = KafkaTool(TOOL, BOOT)
produce, consume, offsets = tool.produce, tool.consume, tool.offsets
KAFKA_SH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "deploy", "kafka", "kafka.sh")

rng = random.Random(11)
BAD = BAD_INPUTS + [  # (expected code, value bytes or None for a tombstone)
    ("tombstone", None),
    ("empty_message", b""),
    ("invalid_utf8", bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x01, 0xFF, 0xFE, 0x80])),  # binary garbage
    # A valid input whose enriched output is over 1,000,000 bytes: a dead letter, not a retry loop.
    ("output_too_large", b'{"id":"x","title":"big output","body":"' + b"a" * 999_950 + b'"}'),
]
procs = []


def kcat_keys(topic):
    r = subprocess.run(["kcat", "-C", "-b", BOOT, "-t", topic, "-e", "-q", "-f", "%k\n"], capture_output=True, timeout=180)
    if r.returncode != 0:
        raise RuntimeError("kcat: " + r.stderr.decode(errors="replace"))
    return [l for l in r.stdout.decode().split("\n") if l]


class Newsflow:
    def __init__(self, cfg_path, log_path, port):
        self.port = port
        self.log_path = log_path
        self.log = open(log_path, "ab")
        self.p = subprocess.Popen([NEWSFLOW, "run", "--config", cfg_path], stdout=self.log, stderr=self.log)
        procs.append(self.p)

    def metrics(self):
        return scrape(self.port)

    def wait_delivered(self, n, timeout, watch=None):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.p.poll() is not None:
                fail(f"newsflow exited early with {self.p.returncode}")
                print(open(self.log_path, "rb").read().decode(errors="replace")[-3000:], flush=True)
                return False
            m = self.metrics()
            if m is not None:
                if watch:
                    watch(m)
                if delivered(m) >= n:
                    return True
            time.sleep(0.1)
        fail(f"only {delivered(self.metrics() or {})} of {n} records delivered within {timeout} s")
        return False

    def stop(self, within=30):
        t0 = time.time()
        self.p.send_signal(signal.SIGTERM)
        try:
            rc = self.p.wait(timeout=within)
        except subprocess.TimeoutExpired:
            fail(f"newsflow did not exit within {within} s of SIGTERM")
            self.p.kill()
            self.p.wait()
            return None, within
        if rc != 0:
            fail(f"newsflow exited with {rc} after SIGTERM")
            print(open(self.log_path, "rb").read().decode(errors="replace")[-3000:], flush=True)
        return rc, time.time() - t0


def main(tmp):
    tag = f"nf{MODE}{os.getpid()}{int(time.time() * 1000) % 10**8}"
    t = tool.create_topics(tag, 4, configs={"raw": BIG_RECORDS, "dlq": BIG_RECORDS})
    group = tag + ".group"
    port = free_port()
    max_in_flight = {"contract": 10000, "sigterm": 1000, "broker_outage": 2000, "backpressure": 500}[MODE]
    # A slow producer side fills the in-flight bound (sigterm: ~1,000 in flight at SIGTERM).
    producer = {"queue.buffering.max.messages": "50"} if MODE == "backpressure" else {}
    if MODE == "sigterm":
        producer = {"queue.buffering.max.messages": "100", "linger.ms": "50"}
    cfg = {"limits": {"max_in_flight": max_in_flight}, "stages": [], "threads": 2, "metrics": {"bind": f"127.0.0.1:{port}"},
           "kafka": {"bootstrap_servers": BOOT, "group_id": group, "shutdown_timeout_ms": 25000,
                     "topics": {"input": t["raw"], "output": t["out"], "duplicates": t["dup"], "dlq": t["dlq"],
                                "dedup_state": t["state"]},
                     "consumer": {}, "producer": producer}}
    cfg_path = os.path.join(tmp, "newsflow.yaml")
    open(cfg_path, "w").write(json.dumps(cfg))  # JSON is YAML
    log_path = os.path.join(tmp, "newsflow.log")

    total = {"contract": 10000, "sigterm": 40000, "broker_outage": 40000, "backpressure": 20000}[MODE]
    records, good_ids, expected_bad = [], [], []
    bad_slots = set(rng.sample(range(total), 100)) if MODE == "contract" else set()
    for i in range(total):
        hs = [("traceparent", f"00-{i:032x}-{i:016x}-01".encode())]
        if i in bad_slots:
            code, raw = BAD[len(expected_bad) % len(BAD)]
            key = f"bad-{i}".encode() if len(expected_bad) % 3 else None
            hs.append(("x-bin", bytes([0, 255, i % 256])))
            records.append((key, raw, hs))
            expected_bad.append((code, key, raw, hs))
        else:
            records.append((f"{tag}-{i}".encode(), invented_article(i, rng, tag), hs))
            good_ids.append(f"{tag}-{i}")
    produce(t["raw"], records)
    print(f"produced {total} records to {t['raw']}", flush=True)

    nf = Newsflow(cfg_path, log_path, port)
    try:
        if MODE == "contract":
            if nf.wait_delivered(total, 240):
                m = nf.metrics() or {}
                dlq_metric = sum(v for k, v in m.items() if k.startswith("newsflow_dlq_records_total"))
                print(f"newsflow_dlq_records_total = {dlq_metric:.0f}", flush=True)
                if dlq_metric != len(expected_bad):
                    fail(f"newsflow_dlq_records_total is {dlq_metric}, expected {len(expected_bad)}")
                nf.stop()
        elif MODE == "sigterm":
            if nf.wait_delivered(3000, 120):
                m = nf.metrics() or {}
                print(f"SIGTERM with {m.get('newsflow_in_flight_records', '?')} records in the graph", flush=True)
                rc, secs = nf.stop(30)
                drained = re.findall(r"draining (\d+) record", open(log_path, "rb").read().decode(errors="replace"))
                print(f"exit {rc} after {secs:.1f} s; {drained[-1] if drained else '?'} records in flight (graph and producer) drained", flush=True)
                nf = Newsflow(cfg_path, log_path, port)
                wait_committed(group, t["raw"], 120)
                nf.stop()
        elif MODE == "broker_outage":
            if nf.wait_delivered(5000, 120):
                subprocess.run([KAFKA_SH, "stop"], check=True, timeout=60)
                print("broker stopped", flush=True)
                time.sleep(15)
                subprocess.run([KAFKA_SH, "start"], check=True, timeout=180)
                print("broker started", flush=True)
                wait_committed(group, t["raw"], 120)
                nf.stop()
        elif MODE == "backpressure":
            peak = [0.0]
            def watch(m):
                peak[0] = max(peak[0], m.get("newsflow_in_flight_records", 0.0))
            if nf.wait_delivered(3000, 120, watch):
                subprocess.run([KAFKA_SH, "freeze"], check=True, timeout=30)
                end = time.time() + 8
                while time.time() < end:
                    m = nf.metrics()
                    if m:
                        watch(m)
                    time.sleep(0.1)
                subprocess.run([KAFKA_SH, "thaw"], check=True, timeout=30)
                nf.wait_delivered(total, 240, watch)
                nf.stop()
            print(f"peak in flight {peak[0]:.0f} (bound {max_in_flight})", flush=True)
            if peak[0] > max_in_flight:
                fail(f"in flight reached {peak[0]:.0f}, over the bound {max_in_flight}")
            log = open(log_path, "rb").read().decode(errors="replace")
            if re.search(r"(revoked|lost) \d+ partition", log.split("stopping:")[0]):
                fail("a rebalance happened while the producer was slow")
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()

    # Verify with downstream clients.
    keys = kcat_keys(t["out"])
    counts = {}
    for k in keys:
        counts[k] = counts.get(k, 0) + 1
    missing = [i for i in good_ids if i not in counts]
    dups = {k: c for k, c in counts.items() if c > 1}
    good_set = set(good_ids)
    extra = [k for k in counts if k not in good_set]
    print(f"output: {len(keys)} records, {len(counts)} ids, {len(missing)} missing, {len(dups)} duplicated", flush=True)
    if missing:
        fail(f"{len(missing)} good ids missing from the output, e.g. {missing[:3]}")
    if extra:
        fail(f"unexpected ids in the output: {extra[:3]}")
    if dups and MODE != "broker_outage":  # graceful stops and back-pressure must not duplicate
        fail(f"{len(dups)} ids more than once, e.g. {list(dups.items())[:3]}")
    if MODE == "contract":
        check_dlq(t, expected_bad)
        for p, o, k, v, hs in consume(t["out"]):
            h = dict(hs)
            if h.get("content-type") != b"application/json" or not h.get("traceparent", b"").startswith(b"00-"):
                fail(f"output [{p}] {o}: headers {hs}, expected traceparent passed through and content-type")
                break
            if json.loads(v)["id"].encode() != k:
                fail(f"output [{p}] {o}: key is not the article id")
                break
    offs = offsets(group, t["raw"])
    if any(c != e for e, c in offs.values()):
        fail(f"committed offsets differ from end offsets: {offs}")
    print(f"offsets (partition: end, committed): {offs}")
    if failures:
        print(open(log_path, "rb").read().decode(errors="replace")[-4000:])
    else:
        tool("delete", BOOT, *t.values())


def wait_committed(group, topic, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            offs = offsets(group, topic)
        except RuntimeError as e:  # e.g. "not leader" just after a broker restart
            print(e, flush=True)
            time.sleep(1)
            continue
        if offs and all(c == e for e, c in offs.values()):
            return True
        time.sleep(1)
    fail(f"committed offsets did not reach the end within {timeout} s: {offsets(group, topic)}")
    return False


def check_dlq(t, expected_bad):
    dlq = consume(t["dlq"])
    if len(dlq) != len(expected_bad):
        fail(f"{len(dlq)} DLQ records, expected {len(expected_bad)}")
    by_offset = {}
    for p, o, k, v, hs in dlq:
        h = dict(hs)
        by_offset[(int(h.get("__connect.errors.partition", b"-1")), int(h.get("__connect.errors.offset", b"-1")))] = (k, v, hs)
    raw = consume(t["raw"])
    expected = {}
    for (code, key, value, hs) in expected_bad:
        expected[(key, value, tuple(hs))] = code
    seen = 0
    for p, o, k, v, hs in raw:
        want = expected.get((k, v, tuple(hs)))
        if want is None:
            continue
        seen += 1
        got = by_offset.get((p, o))
        if got is None:
            fail(f"no DLQ record for {t['raw']} [{p}] offset {o} ({want})")
            continue
        dk, dv, dhs = got
        h = dict(dhs)
        if dk != k or dv != v:
            fail(f"DLQ record for [{p}] {o}: key/value differ from the original")
        if dhs[:len(hs)] != hs:
            fail(f"DLQ record for [{p}] {o}: original headers not kept first and byte-for-byte")
        if h.get("newsflow.error.code", b"").decode() != want:
            fail(f"DLQ record for [{p}] {o}: code {h.get('newsflow.error.code')}, expected {want}")
        if h.get("__connect.errors.topic", b"").decode() != t["raw"]:
            fail(f"DLQ record for [{p}] {o}: wrong __connect.errors.topic")
        for name in ("__connect.errors.stage", "__connect.errors.exception.message"):
            if not h.get(name):
                fail(f"DLQ record for [{p}] {o}: header {name} missing or empty")
    if seen != len(expected_bad):
        fail(f"found {seen} of {len(expected_bad)} bad records in the raw topic")


with tempfile.TemporaryDirectory() as tmp:
    try:
        main(tmp)
    except Exception as e:  # noqa: BLE001 - any error is a failure, with its reason
        fail(f"{type(e).__name__}: {e}")
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
print("FAILED" if failures else "OK", MODE)
sys.exit(1 if failures else 0)
