#!/usr/bin/env python3
"""CLI contract: --help/--version, sysexits codes, validate-config, the metrics/health endpoint."""
import json, os, re, signal, socket, subprocess, sys, tempfile, threading, time, urllib.request, urllib.error

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from nftest import expect, failures  # noqa: E402

binary = sys.argv[1]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

def run(*args, **kw):
    return subprocess.run([binary, *args], capture_output=True, text=True, **kw)

r = run("--help")
expect(r.returncode == 0 and "run" in r.stdout and "eval" in r.stdout and "bench" in r.stdout, "--help lists the commands")
r = run("--version")
expect(r.returncode == 0 and "librdkafka" in r.stdout and "simdjson" in r.stdout, f"--version lists libraries: {r.stdout}")
expect(run("run", "--no-such-flag").returncode == 64, "unknown flag exits 64")
expect(run("frobnicate").returncode == 64, "unknown command exits 64")
# Flags get the checks of the config keys they override: a bad value is a usage error.
for bad_flag in (["--log-format", "xml"], ["--log-level", "loud"], ["--threads", "-3"], ["--threads", "100000"],
                 ["--stages", ","], ["--stages", "stance,entities"], ["--stages", "dedup,dedup"],
                 ["--stages", "dedup,langid,dedup"]):
    expect(run("run", *bad_flag, "--print-config").returncode == 64, f"run {' '.join(bad_flag)} exits 64")

with tempfile.TemporaryDirectory() as tmp:
    def bad_config(what, text, *named):
        path = os.path.join(tmp, "bad.yaml")
        open(path, "w").write(text)
        r = run("validate-config", "--config", path)
        expect(r.returncode == 78 and all(n in r.stderr for n in named), f"{what}: exit 78 naming {named}: {r.returncode} {r.stderr}")
    bad_config("unknown key", "limits:\n  max_depth: 10\nkafka:\n  topics:\n    inptu: x\n", "kafka.topics.inptu")
    # A section of a stage the config does not run is checked too (enabling it later must not fail).
    bad_config("disabled stage's typo", "stages: [dedup]\nlangid:\n  body_prefix_bytess: 100\n", "langid.body_prefix_bytess")
    bad_config("repeated key", "limits:\n  max_depth: 3\n  max_depth: 9\n", "limits.max_depth: given twice")
    bad_config("stages out of pipeline order", "stages: [stance, entities]\n", "stages[1]", "must come before")
    # A stage whose model does not load (a plain exception in its factory) is a config error, no crash.
    bad_config("model that does not load", "langid:\n  model: /nonexistent/m.bin\n", "langid", "/nonexistent/m.bin")
    r = run("validate-config", "--config", os.path.join(ROOT, "config/newsflow.yaml"))
    expect(r.returncode == 0, f"shipped config validates: {r.stderr}")
    # --print-config shows what each stage read: its defaults, the file, NEWSFLOW_* overrides.
    only_dedup = os.path.join(tmp, "only-dedup.yaml")
    open(only_dedup, "w").write("stages: [dedup]\ndedup:\n  window_hours: 24\n")
    r = run("validate-config", "--config", only_dedup, "--print-config", env=dict(os.environ, NEWSFLOW_DEDUP_THRESHOLD="0.9"))
    m = re.search(r"^dedup:\n((?:  .*\n)+)", r.stdout, re.M)
    dedup_section = m.group(1) if m else ""
    expect(r.returncode == 0 and all(f"  {kv}\n" in dedup_section for kv in ("window_hours: 24", "threshold: 0.9", "shingle_words: 3")),
           f"--print-config: file value, environment override and default of a stage key: {r.returncode} {r.stdout}{r.stderr}")
    expect("liveness_timeout_ms: 60000" in r.stdout and "max_aborts_per_record: 3" in r.stdout,
           f"--print-config: every top-level key, defaults included: {r.stdout}")
    r = run("validate-config", "--config", os.path.join(tmp, "missing.yaml"))
    expect(r.returncode == 78 and "not found" in r.stderr, "missing config exits 78")
    r = run("run", "--input", os.path.join(tmp, "missing.jsonl"), "--output", os.path.join(tmp, "o.jsonl"))
    expect(r.returncode == 66, f"missing input exits 66, got {r.returncode}")
    for cmd in (["bench", "--input"], ["eval", "langid", "--data"], ["eval", "ner", "--data"], ["eval", "dedup", "--data"]):
        r = run(*cmd, os.path.join(tmp, "missing.jsonl"))
        expect(r.returncode == 66, f"{' '.join(cmd[:-1])}: missing data file exits 66, got {r.returncode}")
    garbage = os.path.join(tmp, "garbage.jsonl")
    open(garbage, "w").write("{\n")
    r = run("eval", "langid", "--data", garbage)
    expect(r.returncode == 65, f"eval langid: invalid data file exits 65, got {r.returncode}")
    r = run("run", "--input", os.path.join(ROOT, "config/samples/articles.jsonl"), "--output", "/nonexistent-dir/o.jsonl")
    expect(r.returncode == 73, f"uncreatable output exits 73, got {r.returncode}")

    # Metrics endpoint: a taken port fails start-up clearly.
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    port = s.getsockname()[1]
    r = run("run", "--input", os.path.join(ROOT, "config/samples/articles.jsonl"), "--output", os.path.join(tmp, "o.jsonl"),
            "--metrics-bind", f"127.0.0.1:{port}")
    expect(r.returncode != 0 and "cannot bind" in r.stderr, f"taken port fails: {r.returncode} {r.stderr}")
    s.close()

    # A live run on stdin: /metrics, /livez, /readyz answer, other paths 404.
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    p = subprocess.Popen([binary, "run", "--input", "-", "--output", os.path.join(tmp, "o.jsonl"), "--metrics-bind", f"127.0.0.1:{port}"],
                         stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdin.write(b'{"id":"m1","title":"hello"}\n{"broken\n')
    p.stdin.flush()
    def get(path):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, ""
    body = ""
    for _ in range(50):
        try:
            status, body = get("/metrics")
            if 'newsflow_dlq_records_total{reason="malformed_json"} 1' in body:
                break
        except OSError:
            pass
        time.sleep(0.1)
    expect('newsflow_dlq_records_total{reason="malformed_json"} 1' in body, "DLQ counter by reason on /metrics")
    expect("newsflow_build_info{" in body and "newsflow_stage_duration_seconds_bucket" in body, "build info and stage histograms")
    expect(get("/livez")[0] == 200, "/livez 200")
    expect(get("/readyz")[0] == 200, "/readyz 200 while running")
    expect(get("/")[0] == 404 and get("/nope")[0] == 404, "other paths 404")
    # A second newsflow on the same port fails too (a shared port would mix two processes' scrapes).
    r = run("run", "--stages", "none", "--input", os.path.join(ROOT, "config/samples/articles.jsonl"),
            "--output", os.path.join(tmp, "o2.jsonl"), "--metrics-bind", f"127.0.0.1:{port}")
    expect(r.returncode == 78 and "cannot bind" in r.stderr, f"port held by another newsflow fails: {r.returncode} {r.stderr}")
    p.stdin.close()
    rc = p.wait(timeout=20)
    expect(rc == 0, f"clean exit at end of stdin, got {rc}")

# Shutdown: SIGTERM drains (and says so); a second SIGTERM during the drain exits at once with 143.
with tempfile.TemporaryDirectory() as tmp:
    sample = []
    for l in open(os.path.join(ROOT, "config/samples/articles.jsonl"), encoding="utf-8", errors="replace"):
        try:
            a = json.loads(l)
        except ValueError:
            continue  # the sample's deliberately bad lines
        if isinstance(a, dict) and a.get("body"):
            sample.append(a)
    lines = []
    for i in range(20000):  # ~10,000 in flight when the signal comes: seconds of draining
        a = dict(sample[i % len(sample)], id=f"s{i}")
        lines.append(json.dumps(a))
    p = subprocess.Popen([binary, "run", "--input", "-", "--output", os.path.join(tmp, "o.jsonl"), "--threads", "1"],
                         stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    said, announced = [], threading.Event()
    def read_stderr():
        for line in p.stderr:
            said.append(line)
            if b"stopping: draining" in line:
                announced.set()
    threading.Thread(target=read_stderr, daemon=True).start()
    try:
        p.stdin.write(("\n".join(lines) + "\n").encode())
        p.stdin.flush()
        p.send_signal(signal.SIGTERM)
        expect(announced.wait(timeout=60), f"first signal: the drain is announced: {b''.join(said)[-500:]}")
        p.send_signal(signal.SIGTERM)
        rc = p.wait(timeout=60)
        expect(rc == 128 + signal.SIGTERM, f"second signal during the drain exits at once with 143, got {rc}")
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()

# bench: replays are near-duplicate copies (dedup does real work), the last line is the JSON contract.
r = run("bench", "--config", os.path.join(ROOT, "config/newsflow.yaml"), "--input",
        os.path.join(ROOT, "config/samples/articles.jsonl"), "--repeat", "3", "--stages", "dedup", "--threads", "1")
expect(r.returncode == 0, f"bench exits 0: {r.stderr}")
if r.returncode == 0:
    last = json.loads(r.stdout.strip().splitlines()[-1])
    expect(all(k in last for k in ("articles_per_s", "mb_per_s", "p50_ms", "p99_ms", "rss_mb", "stages")),
           f"bench JSON keys: {last}")
    expect(set(last.get("stages", {})) == {"parse", "dedup", "serialise"}, f"bench stage shares: {last.get('stages')}")
    m = re.search(r"dedup\s+(\d+) unique, (\d+) exact, (\d+) near", r.stdout)
    expect(m is not None and int(m.group(3)) > 0, f"bench replays are caught as near duplicates: {r.stdout}")

sys.exit(1 if failures else 0)
