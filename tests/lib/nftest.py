"""Helpers shared by the Python tests and bench scripts that run newsflow against the real broker:
the failure list, the broker address (or a skip), free ports, /metrics, and kafka_test_tool.

    sys.path.insert(0, <repo>/tests/lib); from nftest import ...
"""
import json, os, re, socket, subprocess, sys, urllib.request

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


WORDS = "the council port minister said market rose fell strike talks city river bank plan vote union court".split()


def invented_article(i, rng, id_prefix="c"):
    """JSON bytes of an invented article: 20–120 words of WORDS, id <id_prefix>-<i>, one of 50 sources."""
    body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 120)))
    return json.dumps({"id": f"{id_prefix}-{i}", "title": f"Story {i} " + rng.choice(WORDS), "body": body,
                       "source": f"src-{i % 50}", "published_at": None}).encode()


# Malformed inputs every transport dead-letters, each with the reason code its dead letter must carry.
BAD_INPUTS = [
    ("malformed_json", b'{"id":"x","title":"unterminated'),
    ("invalid_utf8", b'{"id":"x","title":"bad \xc3\x28 byte"}'),
    ("bom", b'\xef\xbb\xbf{"id":"x","title":"bom"}'),
    ("nul_byte", b'{"id":"x","title":"nul \x00 inside"}'),
    ("too_deep", b'{"id":"x","title":"deep","d":' + b"[" * 2000 + b"]" * 2000 + b"}"),
    ("too_large", b'{"id":"x","title":"big","body":"' + b"a" * (2 * 1024 * 1024) + b'"}'),
    ("wrong_type", b'{"id":"x","title":{"not":"a string"}}'),
    ("missing_id", b'{"title":"no id here","body":"text"}'),
    ("empty_content", b'{"id":"x","title":"","body":""}'),
    ("not_object", b'"a bare string"'),
]


def hx(b):
    return "-" if b is None else b.hex()


PIPELINE_TOPICS = ("raw", "out", "dup", "dlq", "state")  # input, output, duplicates, dead letters, dedup state
BIG_RECORDS = ["max.message.bytes=8388608"]  # the too-large bad inputs, and their dead letters
COMPACTED = ["cleanup.policy=compact"]


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

    def create_topics(self, prefix, partitions, names=PIPELINE_TOPICS, configs=None):
        """Creates <prefix>.<name> for each name, with configs {name: ["key=value", ...]}; returns {name: topic}."""
        topics = {n: f"{prefix}.{n}" for n in names}
        for n, t in topics.items():
            self("create", self.boot, t, str(partitions), *(configs or {}).get(n, []))
        return topics

    def offsets(self, group, topic):
        """{partition: (end offset, committed offset or None)}."""
        rows = [l.split("\t") for l in self("offsets", self.boot, group, topic).splitlines()]
        return {int(p): (int(e), None if c == "-" else int(c)) for p, e, c in rows}
