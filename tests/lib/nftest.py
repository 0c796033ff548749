"""Helpers shared by the Python tests and bench scripts that run newsflow against the real broker:
the failure list, the broker address (or a skip), free ports, /metrics, and kafka_test_tool.

    sys.path.insert(0, <repo>/tests/lib); from nftest import ...
"""
import os, re, socket, subprocess, sys, urllib.request

failures = []  # every fail() message; a script exits non-zero when it is not empty


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg, flush=True)


def expect(cond, msg):
    """fail(msg) unless cond; returns cond, so a check can guard the ones that need it."""
    if not cond:
        fail(msg)
    return cond


def kafka_bootstrap():
    """KAFKA_BOOTSTRAP, or exit 77 (ctest's skip) without it; under CI=true a missing broker is a failure."""
    boot = os.environ.get("KAFKA_BOOTSTRAP", "")
    if not boot:
        if os.environ.get("CI") == "true":
            print("FAIL: CI=true but KAFKA_BOOTSTRAP is not set"); sys.exit(1)
        print("SKIP: KAFKA_BOOTSTRAP not set: run through tests/kafka/with-broker.sh"); sys.exit(77)
    return boot


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def metrics_text(port):
    """The /metrics exposition on 127.0.0.1:port, "" when it cannot be read (yet)."""
    try:
        return urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2).read().decode()
    except Exception:
        return ""


def parse_metrics(text):
    """{'name{labels}': value} of every sample line."""
    m = {}
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        mm = re.match(r'^([a-z_]+)(\{[^}]*\})?\s+([0-9.e+-]+|NaN)', line)
        if mm:
            m[mm.group(1) + (mm.group(2) or "")] = float(mm.group(3))
    return m


def scrape(port):
    """parse_metrics of /metrics, None when it cannot be read."""
    text = metrics_text(port)
    return parse_metrics(text) if text else None


def delivered(m):
    """Articles written so far (every route), from a parse_metrics dict."""
    return sum(v for k, v in m.items() if k.startswith("newsflow_output_records_total"))


def syndicated_copy(article, k):
    """Replay k of an article dict as `newsflow bench` makes it (k = 0: as is): id#rk, url/replay-k,
    a dateline before the body — a near-duplicate the dedup stage has to work for."""
    if not k:
        return article
    a = dict(article, id=f"{article.get('id')}#r{k}")
    if isinstance(a.get("url"), str):
        a["url"] += f"/replay-{k}"
    if isinstance(a.get("body"), str):
        a["body"] = f"REPLAY {k} (newsflow) - " + a["body"]
    return a


def hx(b):
    return "-" if b is None else b.hex()


class KafkaTool:
    """tests/kafka/kafka_test_tool: called with its own arguments (tool("create", BOOT, topic, "4")),
    or through the record helpers below. Records travel as hex lines: KEY VALUE HEADERS."""

    def __init__(self, path, boot):
        self.path, self.boot = path, boot

    def __call__(self, *args, stdin=None, timeout=180):
        r = subprocess.run([self.path, *args], input=stdin, capture_output=True, timeout=timeout)
        if r.returncode != 0:
            raise RuntimeError(f"kafka_test_tool {args[0]}: {r.stderr.decode(errors='replace')}")
        return r.stdout.decode()

    def produce(self, topic, records):
        """records: (key bytes|None, value bytes|None, [(header, bytes|None)])."""
        lines = [f"{hx(k)}\t{hx(v)}\t" + ",".join(f"{hk}={hx(hv)}" for hk, hv in hs) for k, v, hs in records]
        self("produce", self.boot, topic, stdin=("\n".join(lines) + "\n").encode())

    def consume(self, topic):
        """Every record of every partition, start to end: (partition, offset, key, value, headers)."""
        out = []
        for line in self("consume", self.boot, topic).splitlines():
            p, o, k, v, hs = (line.split("\t") + [""])[:5]
            headers = []
            for kv in filter(None, hs.split(",")):
                name, val = kv.split("=", 1)
                headers.append((name, None if val == "-" else bytes.fromhex(val)))
            out.append((int(p), int(o), None if k == "-" else bytes.fromhex(k), None if v == "-" else bytes.fromhex(v), headers))
        return out

    def offsets(self, group, topic):
        """{partition: (end offset, committed offset or None)}."""
        rows = [l.split("\t") for l in self("offsets", self.boot, group, topic).splitlines()]
        return {int(p): (int(e), None if c == "-" else int(c)) for p, e, c in rows}
