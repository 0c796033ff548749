#!/usr/bin/env python3
"""`newsflow run` in Kafka mode with the dedup stage and its state topic, against the real broker.

  restart:       article X is processed, newsflow stops (SIGTERM); a near copy of X is produced and
                 newsflow starts again: the copy must name X as duplicate_of (index rebuilt from
                 the state topic before consuming).
  two_instances: instances A and B share one state topic but read different input topics (so it is
                 certain which one sees which article); X goes to A, then a copy of X to B: B must
                 name X (it learnt X from A through the topic while running).

  MODE_eos:      the same with processing_guarantee: exactly_once (the state records are produced
                 in each article's transaction, so they reach the other instance once committed).

Usage: dedup_state_test.py NEWSFLOW KAFKA_TEST_TOOL MODE[_eos]  (KAFKA_BOOTSTRAP from with-broker.sh)
"""
import json, os, signal, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from nftest import COMPACTED, KafkaTool, fail, failures, free_port, kafka_bootstrap

NEWSFLOW, TOOL, MODE = sys.argv[1], sys.argv[2], sys.argv[3]
GUARANTEE = "exactly_once" if MODE.endswith("_eos") else "at_least_once"
MODE = MODE.removesuffix("_eos")
BOOT = kafka_bootstrap()
tool = KafkaTool(TOOL, BOOT)

procs = []


def produce(topic, article):
    tool("produce", BOOT, topic, stdin=f"{article['id'].encode().hex()}\t{json.dumps(article).encode().hex()}\t\n".encode())


def outputs(topic):
    out = {}
    for line in tool("consume", BOOT, topic).splitlines():
        v = line.split("\t")[3]
        if v != "-":
            a = json.loads(bytes.fromhex(v))
            out[a["id"]] = a["newsflow"]["dedup"]
    return out


def wait_output(topic, article_id, timeout=120):
    t0 = time.time()
    while time.time() - t0 < timeout:
        got = outputs(topic)
        if article_id in got:
            return got[article_id]
        time.sleep(0.5)
    fail(f"no output for {article_id} on {topic} within {timeout} s")
    return None


# Invented text; a copy adds a byline and drops the last sentence (a near duplicate).
def story(tag):
    return " ".join(f"The {tag} harbour board met on day {i} and voted {i * 7} to {i * 3} on berth {i * 11}."
                    for i in range(30))


def start(tmp, name, topics):
    cfg = {"stages": ["dedup"], "threads": 2, "metrics": {"bind": f"127.0.0.1:{free_port()}"},
           "kafka": {"bootstrap_servers": BOOT, "group_id": f"{topics['input']}.group", "processing_guarantee": GUARANTEE,
                     "topics": topics, "consumer": {}, "producer": {}}}
    path = os.path.join(tmp, name + ".yaml")
    open(path, "w").write(json.dumps(cfg))
    log = open(os.path.join(tmp, name + ".log"), "ab")
    p = subprocess.Popen([NEWSFLOW, "run", "--config", path], stdout=log, stderr=log)
    procs.append((p, os.path.join(tmp, name + ".log")))
    return p


def stop(p):
    p.send_signal(signal.SIGTERM)
    rc = p.wait(timeout=60)
    if rc != 0:
        fail(f"newsflow exited with {rc}")


def check_copy(d, original_id):
    if d is None:
        return
    if d["status"] != "near_duplicate" or d.get("duplicate_of") != original_id or d.get("cluster_id") != original_id:
        fail(f"copy not found as a duplicate of {original_id}: {d}")


def main(tmp):
    tag = f"nfdedup{MODE}{os.getpid()}{int(time.time() * 1000) % 10**8}"
    names = tool.create_topics(tag, 2, ("in", "in2", "out", "dup", "dlq"))
    names.update(tool.create_topics(tag, 3, ("state",), {"state": COMPACTED}))
    base = {"output": names["out"], "duplicates": names["dup"], "dlq": names["dlq"], "dedup_state": names["state"]}
    body = story(tag)
    original = {"id": f"{tag}-x", "title": "Harbour board vote", "body": body, "url": f"https://a.example/{tag}"}
    copy = {"id": f"{tag}-copy", "title": "Board votes on harbour (wire)", "url": f"https://b.example/{tag}",
            "body": "By A. Reporter, Wire\n\n" + body[:body.rfind(" The ")]}
    try:
        if MODE == "restart":
            a = start(tmp, "a", dict(base, input=names["in"]))
            produce(names["in"], original)
            d = wait_output(names["out"], original["id"])
            if d and d["status"] != "unique":
                fail(f"original not unique: {d}")
            stop(a)
            produce(names["in"], copy)
            a2 = start(tmp, "a2", dict(base, input=names["in"]))
            check_copy(wait_output(names["out"], copy["id"]), original["id"])
            stop(a2)
        elif MODE == "two_instances":
            a = start(tmp, "a", dict(base, input=names["in"]))
            b = start(tmp, "b", dict(base, input=names["in2"]))
            produce(names["in"], original)
            wait_output(names["out"], original["id"])
            time.sleep(5)  # well past the documented window (producer linger + B's fetch), not a speed check
            produce(names["in2"], copy)
            check_copy(wait_output(names["out"], copy["id"]), original["id"])
            stop(a)
            stop(b)
        else:
            fail(f"unknown mode {MODE}")
    finally:
        for p, log in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        if failures:
            for _, log in procs:
                print(f"--- {log}\n" + open(log, "rb").read().decode(errors="replace")[-2000:], flush=True)
        try:
            tool("delete", BOOT, *names.values())
        except Exception as e:  # noqa: BLE001
            print("cleanup:", e)


with tempfile.TemporaryDirectory() as tmp:
    try:
        main(tmp)
    except Exception as e:  # noqa: BLE001 - any error is a failure, with its reason
        fail(f"{type(e).__name__}: {e}")
print("FAILED" if failures else "OK", MODE, GUARANTEE)
sys.exit(1 if failures else 0)
