#!/usr/bin/env python3
"""SIGHUP live reload under load (issue #11): newsflow run in JSONL mode reads a paced stream from
a pipe while the test rewrites the watchlist and the config file and sends SIGHUP every ~250 ms
(each reload confirmed in the log before the next one):
  - good reloads: a new watchlist version, dedup.threshold and log.level changed live;
  - a changed limits.max_in_flight is reported as "needs a restart";
  - bad reloads (a watchlist entry of an unknown type, an unknown log level, a dedup.threshold
    out of range) are rejected with an error naming the key or file, and the old config stays.
Then: no article lost or duplicated, every article tagged by exactly one watchlist version (one
that was loaded, never a rejected one), and more than one version seen during the stream.

reload_test.py NEWSFLOW                       JSONL mode (stdin → file)
reload_test.py NEWSFLOW KAFKA_TEST_TOOL       Kafka mode: the same stream through topics on the broker
                                              at KAFKA_BOOTSTRAP (exit 77 without it unless CI=true);
                                              the output topic is read back after the run."""
import json, os, re, signal, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from nftest import COMPACTED, KafkaTool, delivered, fail, failures, free_port, kafka_bootstrap, scrape

NEWSFLOW = sys.argv[1]
TOOL = sys.argv[2] if len(sys.argv) > 2 else None
BOOT = kafka_bootstrap() if TOOL else ""
tool = KafkaTool(TOOL, BOOT) if TOOL else None
RELOADS = 24


def write_atomic(path, text):  # a reload must never read a half-written file
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def watchlist(version, entity_type="ORG"):
    return (f'id: test\nversion: "{version}"\nentities:\n'
            f'  - {{id: acme, type: {entity_type}, name: Acme Widgets, aliases: [Acme Widgets Ltd]}}\n'
            f'  - {{id: globex, type: ORG, name: Globex Corporation}}\n')


KAFKA = {}  # Kafka mode: the kafka and metrics sections, set by main()


def config(wl_dir, threshold=0.3, level="info", max_in_flight=200):
    return json.dumps({"stages": ["dedup", "entities"], "threads": 2, "log": {"level": level},
                       "limits": {"max_in_flight": max_in_flight},
                       "dedup": {"threshold": threshold},
                       "entities": {"watchlists": wl_dir, "reload_check_seconds": 0}, **KAFKA})


def main(tmp):
    wl_dir = os.path.join(tmp, "watchlists")
    os.mkdir(wl_dir)
    wl_file = os.path.join(wl_dir, "test.yaml")
    cfg_path = os.path.join(tmp, "newsflow.yaml")
    out_path, err_path = os.path.join(tmp, "out.jsonl"), os.path.join(tmp, "err.log")
    topics, port = {}, None
    if TOOL:
        tag = f"reload{os.getpid()}"
        topics = tool.create_topics(tag, 2, configs={"state": COMPACTED})
        port = free_port()
        KAFKA.update({"metrics": {"bind": f"127.0.0.1:{port}"},
                      "kafka": {"bootstrap_servers": BOOT, "group_id": tag,
                                "topics": {"input": topics["raw"], "output": topics["out"], "duplicates": topics["dup"],
                                           "dlq": topics["dlq"], "dedup_state": topics["state"]}}})
    write_atomic(wl_file, watchlist("v0"))
    write_atomic(cfg_path, config(wl_dir))

    err = open(err_path, "wb")
    if TOOL:
        p = subprocess.Popen([NEWSFLOW, "run", "--config", cfg_path], stdin=subprocess.DEVNULL, stderr=err)
    else:
        p = subprocess.Popen([NEWSFLOW, "run", "--config", cfg_path, "--input", "-", "--output", out_path,
                              "--dlq", os.path.join(tmp, "dlq.jsonl")], stdin=subprocess.PIPE, stderr=err)
    written = []
    stop = threading.Event()

    def send(chunk):
        if TOOL:
            tool.produce(topics["raw"], [(json.loads(v)["id"].encode(), v.encode(), []) for v in chunk])
        else:
            p.stdin.write(("\n".join(chunk) + "\n").encode())
            p.stdin.flush()

    def writer():  # ~2,000 articles/s until the reloads are done
        i = 0
        try:
            while not stop.is_set():
                chunk = []
                for _ in range(100):
                    aid = f"r-{i}"
                    chunk.append(json.dumps({"id": aid, "title": f"Acme Widgets and Globex Corporation, report {i}",
                                             "body": f"Acme Widgets said on day {i} that Globex Corporation would buy "
                                                     f"{i % 977} of its plants; Acme Widgets Ltd shares rose."}))
                    written.append(aid)
                    i += 1
                send(chunk)
                time.sleep(0.05)
        except BrokenPipeError:
            fail("newsflow closed its input early")
        finally:
            try:
                if p.stdin:
                    p.stdin.close()
            except BrokenPipeError:
                pass

    t = threading.Thread(target=writer)
    t.start()

    def log():
        return open(err_path, "rb").read().decode(errors="replace")

    def wait_for(pattern, count, what):  # bounded wait for the count-th log line matching pattern
        deadline = time.time() + 30
        while time.time() < deadline:
            if len(re.findall(pattern, log())) >= count:
                return True
            if p.poll() is not None:
                break
            time.sleep(0.02)
        fail(f"{what}: no log line within 30 s (exit {p.poll()})")
        return False

    versions, rejected_versions = {"v0"}, set()
    applied = rejected = 0
    try:
        time.sleep(1.0)  # models loaded and articles flowing
        for k in range(1, RELOADS + 1):
            kind = k % 6
            expect_reject = None
            if kind == 2:  # a bad watchlist: rejected, v(k-1) stays in force
                write_atomic(wl_file, watchlist(f"bad-{k}", entity_type="NOPE"))
                rejected_versions.add(f"bad-{k}")
                expect_reject = "test.yaml"
            elif kind == 4:  # a bad config value: rejected, naming the key
                write_atomic(cfg_path, config(wl_dir, level="loud"))
                expect_reject = "log.level"
            elif kind == 5:
                write_atomic(cfg_path, config(wl_dir, threshold=7.5))
                expect_reject = "dedup.threshold"
            else:  # good: a new version, and live settings (or a restart-only key) changed
                write_atomic(wl_file, watchlist(f"v{k}"))
                versions.add(f"v{k}")
                write_atomic(cfg_path, config(wl_dir, threshold=0.3 + 0.1 * (k % 3), level="debug" if k % 2 else "info",
                                              max_in_flight=300 if k == 3 else 200))
            p.send_signal(signal.SIGHUP)
            if expect_reject:
                rejected += 1
                if wait_for(r"reload rejected[^\n]*", rejected, f"reload {k} (bad)"):
                    line = re.findall(r"reload rejected[^\n]*", log())[rejected - 1]
                    if expect_reject not in line:
                        fail(f"reload {k}: rejection does not name {expect_reject}: {line}")
            else:
                applied += 1
                wait_for(r"reload #\d+: applied", applied, f"reload {k}")
            time.sleep(0.25)
    finally:
        stop.set()
        t.join()
    if TOOL:  # a consumer never sees the end of its input: stop it once everything is out
        deadline = time.time() + 120
        while time.time() < deadline and delivered(scrape(port) or {}) < len(written) and p.poll() is None:
            time.sleep(0.1)
        p.send_signal(signal.SIGTERM)
    try:
        rc = p.wait(timeout=120)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        fail("newsflow did not finish within 120 s of the end of its input")
        rc = None
    err.close()
    text = log()
    if rc != 0:
        fail(f"exit {rc}: {text[-2000:]}")
    if "needs a restart" not in text or "limits.max_in_flight" not in text:
        fail("a changed limits.max_in_flight was not reported as needing a restart")
    if "dedup.threshold" not in "".join(re.findall(r"reload #\d+: applied[^\n]*", text)):
        fail("dedup.threshold was never applied live")

    if TOOL:
        lines = [value.decode() for _, _, _, value, _ in tool.consume(topics["out"])]
        tool("delete", BOOT, *topics.values())
    else:
        lines = open(out_path).read().splitlines()
    seen, per_version, bad_tags = {}, {}, 0
    for line in lines:
        a = json.loads(line)
        seen[a["id"]] = seen.get(a["id"], 0) + 1
        tags = {e["watchlist"]["version"] for e in a["newsflow"]["entities"] if e.get("watchlist")}
        if len(tags) != 1 or not tags <= versions:
            bad_tags += 1
            if bad_tags <= 3:
                fail(f"article {a['id']} tagged by watchlist versions {sorted(tags)} (want exactly one of the loaded ones)")
        for v in tags:
            per_version[v] = per_version.get(v, 0) + 1
    lost = [i for i in written if i not in seen]
    dups = [i for i, c in seen.items() if c > 1]
    print(f"{len(written)} articles written, {len(seen)} out, {len(lost)} lost, {len(dups)} duplicated; "
          f"{applied} reloads applied, {rejected} rejected; articles per watchlist version: "
          f"{dict(sorted(per_version.items()))}", flush=True)
    if lost:
        fail(f"{len(lost)} articles lost, e.g. {lost[:3]}")
    if dups or len(seen) != len(written):
        fail(f"{len(dups)} articles duplicated, or unexpected ids in the output")
    if bad_tags:
        fail(f"{bad_tags} articles not tagged by exactly one loaded watchlist version")
    if rejected_versions & set(per_version):
        fail(f"a rejected watchlist version was used: {rejected_versions & set(per_version)}")
    if len(per_version) < 2:
        fail(f"only {len(per_version)} watchlist version(s) seen: the reloads had no effect during the stream")


with tempfile.TemporaryDirectory() as tmp:
    main(tmp)
print("FAILED" if failures else "OK")
sys.exit(1 if failures else 0)
