#!/usr/bin/env python3
"""Secrets never leak (issue #11): sentinel values in sasl.password, ssl.key.password and
sasl.oauthbearer.client.secret (consumer and producer, one through ${VAR}), with debug=all and
log.level debug. 0 occurrences in: `validate-config --print-config`, `run --print-config`, the logs
and /metrics of a Kafka-mode start against an unreachable broker, the errors of bad configs
(unknown key, unknown librdkafka property, a secret under a stage key), and the logs and dead
letters of a JSONL run. tests/kafka/secrets_test.py does the same against the real broker (where
the clients run and log with debug=all, and DLQ headers exist). secrets_test.py NEWSFLOW"""
import json, os, subprocess, sys, tempfile, time, urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from nftest import free_port

NEWSFLOW = sys.argv[1]
S = {"sasl.password": "Sntl-sasl-7f3a9c", "ssl.key.password": "Sntl-sslkey-51be02",
     "sasl.oauthbearer.client.secret": "Sntl-oauth-c0ffee"}
ENV_SECRET = "Sntl-env-d15ea5e"
SENTINELS = list(S.values()) + [ENV_SECRET]
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg, flush=True)


def leaks(where, text):
    found = [s for s in SENTINELS if s in text]
    if found:
        fail(f"{where}: secret value(s) shown: {found}")
    return not found


def run(args, env=None, timeout=60):
    r = subprocess.run([NEWSFLOW, *args], capture_output=True, timeout=timeout, env=env)
    return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")


def config(port, metrics_port, extra=None, oauth=True):
    # Debian's librdkafka 2.0.2 is built without OIDC: sasl.oauthbearer.client.secret is then a
    # config error (exit 78) that must name the key only; the runs that start clients go without it.
    consumer = dict(S, **{"debug": "all", "sasl.username": "alice"})
    producer = {"debug": "all", "sasl.password": "${NF_TEST_SECRET}", "ssl.key.password": S["ssl.key.password"],
                "sasl.oauthbearer.client.secret": S["sasl.oauthbearer.client.secret"]}
    if not oauth:
        del consumer["sasl.oauthbearer.client.secret"], producer["sasl.oauthbearer.client.secret"]
    cfg = {"stages": [], "log": {"level": "debug"}, "metrics": {"bind": f"127.0.0.1:{metrics_port}"},
           "kafka": {"bootstrap_servers": f"127.0.0.1:{port}", "startup_timeout_ms": 2000,
                     "consumer": consumer, "producer": producer}}
    if extra:
        extra(cfg)
    return cfg


def main(tmp):
    env = dict(os.environ, NF_TEST_SECRET=ENV_SECRET)
    cfg_path = os.path.join(tmp, "cfg.yaml")
    metrics_port = free_port()
    json.dump(config(free_port(), metrics_port), open(cfg_path, "w"))

    # --print-config on both commands: secrets redacted, the rest shown (validate-config also checks
    # the librdkafka properties, so it gets the config without the OIDC secret).
    ok_path = os.path.join(tmp, "ok.yaml")
    json.dump(config(free_port(), metrics_port, oauth=False), open(ok_path, "w"))
    for cmd, path, redactions in ((["validate-config"], ok_path, 4), (["run"], cfg_path, 6)):
        rc, out, err = run([*cmd, "--config", path, "--print-config"], env=env)
        if rc != 0:
            fail(f"{cmd[0]} --print-config: exit {rc}: {err[-500:]}")
        leaks(f"{cmd[0]} --print-config", out + err)
        if out.count("[redacted]") != redactions or "sasl.username: alice" not in out or "debug: all" not in out:
            fail(f"{cmd[0]} --print-config: expected {redactions} redacted secrets and the other values shown:\n{out}")

    # Kafka mode against a closed port with debug=all: the start-up probe fails (exit 69); logs and
    # /metrics (scraped while it waits) show no secret.
    json.dump(config(free_port(), metrics_port, oauth=False), open(cfg_path, "w"))
    p = subprocess.Popen([NEWSFLOW, "run", "--config", cfg_path], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    metrics = ""
    deadline = time.time() + 10
    while time.time() < deadline and not metrics and p.poll() is None:
        try:
            metrics = urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=1).read().decode()
        except Exception:
            time.sleep(0.05)
    out, err = p.communicate(timeout=60)
    if p.returncode != 69:
        fail(f"Kafka mode against a closed port: exit {p.returncode}, expected 69: {err.decode()[-500:]}")
    if "newsflow_build_info" not in metrics:
        fail("/metrics was not served during the start-up probe")
    leaks("Kafka-mode logs", out.decode(errors="replace") + err.decode(errors="replace"))
    leaks("/metrics", metrics)

    # Config errors (validate-config, and run, which fails before it starts) name the key, never the value.
    def set_in(*path_value):
        *path, value = path_value
        def change(c):
            node = c
            for k in path[:-1]:
                node = node.setdefault(k, {})
            node[path[-1]] = value
        return change
    bad = {
        "unknown key": (set_in("limits", "bogus_password", S["sasl.password"]), True),
        "unknown librdkafka property": (set_in("kafka", "consumer", "no.such.secret", S["sasl.password"]), True),
        "invalid librdkafka value": (set_in("kafka", "producer", "compression.codec", S["ssl.key.password"]), True),
        "OIDC secret in a build without OIDC": (lambda c: None, True),
        "secret-looking key under a stage": (set_in("dedup", "api_token", S["sasl.oauthbearer.client.secret"]), False),
    }
    for what, (change, kafka_check) in bad.items():
        path = os.path.join(tmp, "bad.yaml")
        def full_change(c, change=change):
            change(c)
            c["stages"] = ["dedup"]
        json.dump(config(free_port(), free_port(), full_change, oauth=(what == "OIDC secret in a build without OIDC")), open(path, "w"))
        cmds = [["validate-config", "--config", path]] + ([["run", "--config", path]] if kafka_check else [])
        for cmd in cmds:
            rc, out, err = run(cmd, env=env)
            if rc != 78:
                fail(f"{what} ({cmd[0]}): exit {rc}, expected 78: {err[-300:]}")
            leaks(f"{what} ({cmd[0]}) error", out + err)
        rc, out, err = run(["run", "--config", path, "--print-config"], env=env)
        if what == "secret-looking key under a stage":
            leaks(f"{what}: --print-config", out + err)

    # JSONL mode with the same config: logs and dead letters show no secret.
    inp = os.path.join(tmp, "in.jsonl")
    open(inp, "w").write('{"id":"a","title":"ok"}\n{"id":\n{"title":"no id"}\n')
    rc, out, err = run(["run", "--config", cfg_path, "--input", inp, "--output", os.path.join(tmp, "out.jsonl"),
                        "--dlq", os.path.join(tmp, "dlq.jsonl")], env=env)
    if rc != 0:
        fail(f"JSONL run: exit {rc}: {err[-300:]}")
    dlq = open(os.path.join(tmp, "dlq.jsonl")).read()
    if dlq.count("\n") != 2:
        fail(f"JSONL run: expected 2 dead letters, got {dlq!r}")
    leaks("JSONL run logs", out + err)
    leaks("dead letters", dlq)


with tempfile.TemporaryDirectory() as tmp:
    main(tmp)
print("FAILED" if failures else "OK")
sys.exit(1 if failures else 0)
