#!/usr/bin/env python3
"""Processing guarantees of `newsflow run` in Kafka mode through crashes, scale-out and zombies,
against the real broker (tests/kafka/with-broker.sh sets KAFKA_BOOTSTRAP).

eos_test.py NEWSFLOW KAFKA_TEST_TOOL MODE [--articles N] [--rate R] [--seed S]
  crash_eos  exactly_once; kill -9 at 3 random points after >= 20 % progress (committed input
             offsets), restarting each time: a read_committed consumer sees output ids == input
             ids, 0 duplicates, 0 lost; DLQ records exactly the bad inputs, once each.
  crash_alo  the same in at_least_once: 0 lost; duplicates counted and printed.
  scale      exactly_once; instance b joins mid-stream (partitions split between a and b), then a
             is killed -9 and b takes over: 0 duplicates, 0 lost.
  zombie     exactly_once; a and b share the partitions, a is SIGSTOPped beyond the session
             timeout (b takes its partitions), then SIGCONTed: 0 duplicates, 0 lost in the
             read_committed output (a's late transaction must not land).
The input is fed while newsflow runs so every fault hits a live
stream (R articles/s, default 1,000); 0.5 % of it is bad (dead letters). Exit 77 (skip) without KAFKA_BOOTSTRAP unless CI=true.
Every wait is bounded; every process started here is stopped here. Last stdout line: one JSON object.
"""
import argparse, json, os, random, re, signal, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from nftest import BIG_RECORDS, WORDS, KafkaTool, fail, failures, free_port, kafka_bootstrap

ap = argparse.ArgumentParser()
ap.add_argument("newsflow")
ap.add_argument("tool")
ap.add_argument("mode", choices=["crash_eos", "crash_alo", "scale", "zombie"])
ap.add_argument("--articles", type=int, default=20000)
ap.add_argument("--rate", type=int, default=1000)
ap.add_argument("--seed", type=int, default=0, help="0: random (printed, to rerun a failure)")
args = ap.parse_args()
BOOT = kafka_bootstrap()
tool = KafkaTool(args.tool, BOOT)
offsets = tool.offsets

seed = args.seed or random.randrange(1, 10**6)
rng = random.Random(seed)
print(f"seed {seed}", flush=True)
EOS = args.mode != "crash_alo"
SESSION_MS = 6000  # the broker's group.min.session.timeout.ms: the quickest takeover of a dead member
procs = []


def committed_total(group, topic):
    try:
        return sum(c or 0 for e, c in offsets(group, topic).values())
    except RuntimeError as e:  # e.g. a coordinator moving: try again later
        print(e, flush=True)
        return None


class Feeder(threading.Thread):
    """Produces the input at a steady rate through kafka_test_tool (murmur2 by key, 4 partitions)."""

    def __init__(self, topic, lines):
        super().__init__(daemon=True)
        self.lines, self.sent, self.error = lines, 0, None
        self.running = threading.Event()  # cleared: paused (while a killed instance restarts)
        self.running.set()
        self.p = subprocess.Popen([args.tool, "produce", BOOT, topic], stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        procs.append(self.p)

    def run(self):
        try:
            start, chunk = time.time(), max(1, args.rate // 20)
            for i in range(0, len(self.lines), chunk):
                if not self.running.is_set():
                    t0 = time.time()
                    self.running.wait()
                    start += time.time() - t0
                self.p.stdin.write(("\n".join(self.lines[i:i + chunk]) + "\n").encode())
                self.p.stdin.flush()
                self.sent = min(len(self.lines), i + chunk)
                ahead = start + self.sent / args.rate - time.time()
                if ahead > 0:
                    time.sleep(ahead)
            self.p.stdin.close()
            if self.p.wait(timeout=120) != 0:
                self.error = self.p.stderr.read().decode(errors="replace")
        except Exception as e:  # reported by the main thread
            self.error = str(e)


class Newsflow:
    def __init__(self, name, cfg, tmp):
        self.name, self.port = name, free_port()
        cfg = json.loads(json.dumps(cfg))
        cfg["metrics"] = {"bind": f"127.0.0.1:{self.port}"}
        cfg["kafka"]["instance_id"] = name  # stable across this instance's restarts: fences its zombie
        self.cfg_path = os.path.join(tmp, f"{name}.yaml")
        open(self.cfg_path, "w").write(json.dumps(cfg))  # JSON is YAML
        self.log_path = os.path.join(tmp, f"{name}.log")
        self.p = None
        self.start()

    def start(self):
        log = open(self.log_path, "ab")
        log.write(f"==== start {time.strftime('%H:%M:%S')}\n".encode())
        log.flush()
        self.p = subprocess.Popen([args.newsflow, "run", "--config", self.cfg_path], stdout=log, stderr=log)
        procs.append(self.p)

    def log(self):
        return open(self.log_path, "rb").read().decode(errors="replace")

    def kill9(self):
        self.p.send_signal(signal.SIGKILL)
        self.p.wait()

    def stop(self, within=40):
        if self.p.poll() is not None:
            return self.p.returncode
        self.p.send_signal(signal.SIGTERM)
        try:
            return self.p.wait(timeout=within)
        except subprocess.TimeoutExpired:
            fail(f"{self.name} did not exit within {within} s of SIGTERM")
            self.p.kill()
            self.p.wait()
            return None

    def assigned(self):
        """Partitions currently assigned, from the log's assign/revoke/lost lines since the last start."""
        n = 0
        for m in re.finditer(r"(assigned|revoked|lost) (\d+) partition", self.log().rsplit("==== start", 1)[-1]):
            n += int(m.group(2)) * (1 if m.group(1) == "assigned" else -1)
        return n


def wait_until(what, cond, timeout, nfs=()):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return True
        for nf in nfs:
            if nf.p.poll() is not None and nf.p.returncode not in (0, -9):
                fail(f"{nf.name} exited with {nf.p.returncode} while waiting for {what}")
                return False
        time.sleep(0.25)
    fail(f"timed out after {timeout} s waiting for {what}")
    return False


def main(tmp):
    tag = f"nfeos{args.mode}{os.getpid()}{int(time.time() * 1000) % 10**8}"
    t = tool.create_topics(tag, 4, configs={"raw": BIG_RECORDS, "dlq": BIG_RECORDS})
    group = tag + ".group"
    consumer = {"session.timeout.ms": str(SESSION_MS), "heartbeat.interval.ms": "1000"}
    producer = {"transaction.timeout.ms": "10000"} if EOS else {}
    cfg = {"limits": {"max_in_flight": 2000}, "stages": [], "threads": 2,
           "kafka": {"bootstrap_servers": BOOT, "group_id": group, "shutdown_timeout_ms": 25000,
                     "processing_guarantee": "exactly_once" if EOS else "at_least_once",
                     "transaction": {"max_records": 2000, "interval_ms": 100},
                     "topics": {"input": t["raw"], "output": t["out"], "duplicates": t["dup"], "dlq": t["dlq"],
                                "dedup_state": t["state"]},
                     "consumer": consumer, "producer": producer}}

    n = args.articles
    lines, ids, bad = [], [], set()
    for i in range(n):
        key = f"{tag}-{i}"
        if rng.random() < 0.005:  # a dead letter: malformed JSON or a missing id
            value = b'{"id":"' + key.encode() + b'","title":"unterminated' if i % 2 else b'{"title":"no id","body":"x"}'
            bad.add(key)
        else:
            body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(10, 40)))
            value = json.dumps({"id": key, "title": f"Story {i}", "body": body}).encode()
            ids.append(key)
        lines.append(f"{key.encode().hex()}\t{value.hex()}\t")
    feeder = Feeder(t["raw"], lines)
    feeder.start()

    def progress():
        c = committed_total(group, t["raw"])
        return (c or 0) / n

    kills, report = [], {}
    a = Newsflow("a", cfg, tmp)
    nfs = [a]
    if args.mode in ("crash_eos", "crash_alo"):
        points = sorted(rng.uniform(0.2, 0.85) for _ in range(3))
        restarted_at = 0.0
        for k, point in enumerate(points):
            # Past the point, and past where the last restart began: every restart makes progress.
            if not wait_until(f"{point:.0%} progress", lambda: progress() >= point and progress() > restarted_at, 120, nfs):
                break
            time.sleep(rng.uniform(0, 0.5))  # somewhere inside a transaction, not right at a commit
            kills.append(round(progress(), 3))
            a.kill9()
            feeder.running.clear()  # the stream waits for the restart, so the next points stay ahead
            print(f"kill -9 #{k + 1} at {kills[-1]:.1%} committed progress; restarting", flush=True)
            a.start()
            wait_until("the restarted instance's assignment", lambda: a.assigned() == 4, 60, nfs)
            feeder.running.set()
            restarted_at = progress()
    elif args.mode == "scale":
        if wait_until("30 % progress", lambda: progress() >= 0.3, 120, nfs):
            b = Newsflow("b", cfg, tmp)
            nfs.append(b)
            if wait_until("partitions split between a and b", lambda: a.assigned() > 0 and b.assigned() > 0, 60, nfs):
                report["split"] = {"a": a.assigned(), "b": b.assigned()}
                print(f"partitions split: a {a.assigned()}, b {b.assigned()}", flush=True)
            if wait_until("65 % progress", lambda: progress() >= 0.65, 120, nfs):
                a.kill9()
                print("kill -9 a; b takes over after the session timeout", flush=True)
                wait_until("b owning every partition", lambda: b.assigned() == 4, 60, [b])
    elif args.mode == "zombie":
        b = Newsflow("b", cfg, tmp)
        nfs.append(b)
        if wait_until("partitions split between a and b", lambda: a.assigned() > 0 and b.assigned() > 0, 60, nfs) and \
                wait_until("25 % progress", lambda: progress() >= 0.25, 120, nfs):
            report["split"] = {"a": a.assigned(), "b": b.assigned()}
            a.p.send_signal(signal.SIGSTOP)
            print(f"SIGSTOP a (it owned {report['split']['a']} partitions)", flush=True)
            stopped = wait_until("b owning every partition", lambda: b.assigned() == 4, 60, [b])
            time.sleep(2 if stopped else 0)
            a.p.send_signal(signal.SIGCONT)
            print("SIGCONT a", flush=True)
            time.sleep(5)
            report["zombie_exit"] = a.p.poll()
            zlog = a.log()
            for line in zlog.splitlines()[-15:]:
                if re.search(r"transaction|fenc|lost|revoked|assigned|rewound|error", line):
                    print("  a:", line[:220], flush=True)
            report["zombie_fenced"] = bool(re.search(r"fenc|epoch|generation|aborting", zlog, re.I))
            print(f"zombie a: exit {report['zombie_exit']}; fenced/aborted in its log: {report['zombie_fenced']}", flush=True)

    feeder.join(timeout=n / args.rate + 120)
    if feeder.error:
        fail(f"feeding the input: {feeder.error}")
    live = [nf for nf in nfs if nf.p.poll() is None]
    wait_until("every input offset committed",
               lambda: all(c == e for e, c in offsets(group, t["raw"]).values()), 180, live)
    for nf in live:
        rc = nf.stop()
        if rc not in (0, None):
            fail(f"{nf.name} exited with {rc} after SIGTERM")

    # A downstream read_committed consumer: output ids against input ids.
    outs = [l.split("\t") for l in tool("consume", BOOT, t["out"], timeout=240).splitlines()]
    seen = {}
    for p, o, k, v, *_ in outs:
        key = bytes.fromhex(k).decode()
        seen[key] = seen.get(key, 0) + 1
    lost = [i for i in ids if i not in seen]
    dups = sum(c - 1 for c in seen.values() if c > 1)
    id_set = set(ids)
    extra = [k for k in seen if k not in id_set]
    dlq = {}
    for p, o, k, v, *_ in [l.split("\t") for l in tool("consume", BOOT, t["dlq"], timeout=240).splitlines()]:
        key = bytes.fromhex(k).decode() if k != "-" else "-"
        dlq[key] = dlq.get(key, 0) + 1
    dlq_lost = [k for k in bad if k not in dlq]
    dlq_dups = sum(c - 1 for c in dlq.values() if c > 1)
    report.update({"mode": args.mode, "articles": n, "seed": seed, "kills": kills, "outputs": len(outs),
                   "lost": len(lost), "duplicates": dups, "dead_letters": sum(dlq.values()), "bad_inputs": len(bad),
                   "dlq_lost": len(dlq_lost), "dlq_duplicates": dlq_dups})
    print(f"output: {len(outs)} records for {len(ids)} good inputs: {len(lost)} lost, {dups} duplicates; "
          f"DLQ: {sum(dlq.values())} for {len(bad)} bad inputs, {len(dlq_lost)} lost, {dlq_dups} duplicates", flush=True)
    if lost:
        fail(f"{len(lost)} ids lost, e.g. {lost[:3]}")
    if extra:
        fail(f"unexpected ids in the output, e.g. {extra[:3]}")
    if dlq_lost:
        fail(f"{len(dlq_lost)} bad inputs without a dead letter, e.g. {dlq_lost[:3]}")
    if EOS and (dups or dlq_dups):
        fail(f"exactly_once: {dups} duplicate outputs, {dlq_dups} duplicate dead letters")
    if not EOS:
        print(f"at_least_once: {dups} duplicates after {len(kills)} kill -9 (expected: some, counted)", flush=True)
    if args.mode.startswith("crash") and len(kills) < 3:
        fail(f"only {len(kills)} of 3 kills happened")
    if failures:
        for nf in nfs:
            print(f"---- {nf.name} log (tail)\n" + nf.log()[-5000:], flush=True)
    else:
        tool("delete", BOOT, *t.values())
    print(json.dumps(report))


with tempfile.TemporaryDirectory() as tmp:
    try:
        main(tmp)
    except Exception as e:
        fail(f"{type(e).__name__}: {e}")
    finally:
        for p in procs:
            if p.poll() is None:
                try:
                    p.send_signal(signal.SIGCONT)
                except ProcessLookupError:
                    pass
                p.kill()
                p.wait()
sys.exit(1 if failures else 0)
