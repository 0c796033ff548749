#!/usr/bin/env python3
"""Secrets in Kafka mode against the real broker (issue #11): sentinel values in sasl.password and
ssl.key.password of the consumer and the producer (security.protocol stays plaintext, so the
clients really run) with debug=all and log.level debug. 200 records, 10 of them bad, through
newsflow: 0 sentinel occurrences in the logs (librdkafka's debug output included, which dumps
the client configuration), /metrics, and the DLQ records' headers. (sasl.oauthbearer.client.secret
cannot be set with Debian's librdkafka, built without OIDC: tests/golden/secrets_test.py checks
that this fails naming only the key.)
secrets_test.py NEWSFLOW KAFKA_TEST_TOOL; exit 77 without KAFKA_BOOTSTRAP unless CI=true."""
import json, os, signal, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from nftest import KafkaTool, delivered, fail, failures, free_port, kafka_bootstrap, metrics_text, parse_metrics

NEWSFLOW, TOOL = sys.argv[1], sys.argv[2]
BOOT = kafka_bootstrap()
tool = KafkaTool(TOOL, BOOT)
SENTINELS = {"sasl.password": "Sntl-kafka-sasl-4e1d", "ssl.key.password": "Sntl-kafka-sslkey-9a7b"}


def main(tmp):
    tag = f"nfsecrets{os.getpid()}"
    t = tool.create_topics(tag, 2)
    port = free_port()
    secrets = dict(SENTINELS, debug="all")
    cfg = {"stages": [], "threads": 2, "log": {"level": "debug"}, "metrics": {"bind": f"127.0.0.1:{port}"},
           "kafka": {"bootstrap_servers": BOOT, "group_id": tag, "consumer": secrets, "producer": secrets,
                     "topics": {"input": t["raw"], "output": t["out"], "duplicates": t["dup"], "dlq": t["dlq"],
                                "dedup_state": t["state"]}}}
    cfg_path = os.path.join(tmp, "cfg.yaml")
    json.dump(cfg, open(cfg_path, "w"))
    lines = []
    for i in range(200):
        v = b'{"id":"bad' if i % 20 == 7 else json.dumps({"id": f"{tag}-{i}", "title": "t", "body": "b"}).encode()
        lines.append(f"{f'k{i}'.encode().hex()}\t{v.hex()}\tx-h={b'v'.hex()}")
    tool("produce", BOOT, t["raw"], stdin=("\n".join(lines) + "\n").encode())

    log_path = os.path.join(tmp, "newsflow.log")
    p = subprocess.Popen([NEWSFLOW, "run", "--config", cfg_path], stdout=open(log_path, "wb"), stderr=subprocess.STDOUT)
    metrics = ""
    try:
        deadline = time.time() + 120
        while time.time() < deadline and p.poll() is None:
            metrics = metrics_text(port) or metrics
            if delivered(parse_metrics(metrics)) >= 200:
                break
            time.sleep(0.2)
        else:
            fail(f"only {delivered(parse_metrics(metrics))} of 200 records delivered (exit {p.poll()})")
        metrics = metrics_text(port) or metrics
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    log = open(log_path, "rb").read().decode(errors="replace")
    if "librdkafka" not in log or log.count("\n") < 100:
        fail("expected librdkafka debug output in the log (debug=all)")
    dlq = tool("consume", BOOT, t["dlq"])
    if len(dlq.splitlines()) != 10:
        fail(f"{len(dlq.splitlines())} DLQ records, expected 10")
    dlq_headers = "".join(bytes.fromhex(v).decode(errors="replace") + " " for line in dlq.splitlines()
                          for kv in (line.split("\t") + [""])[4].split(",") if "=" in kv
                          for v in [kv.split("=", 1)[1]] if v != "-")
    for where, text in (("log", log), ("/metrics", metrics), ("DLQ headers", dlq_headers)):
        found = [s for s in SENTINELS.values() if s in text]
        if found:
            fail(f"{where}: secret value(s) shown: {found}")
    print(f"log {log.count(chr(10))} lines, {log.count('librdkafka')} from librdkafka; /metrics {len(metrics)} bytes; "
          f"{len(dlq.splitlines())} DLQ records: 0 sentinels" if not failures else "", flush=True)
    if not failures:
        tool("delete", BOOT, *t.values())


with tempfile.TemporaryDirectory() as tmp:
    try:
        main(tmp)
    except Exception as e:  # noqa: BLE001
        fail(f"{type(e).__name__}: {e}")
print("FAILED" if failures else "OK")
sys.exit(1 if failures else 0)
