"""Helpers for the observability tests: bounded waits, a newsflow process fed through
stdin, a real Prometheus on loopback, and the Prometheus HTTP API. Python stdlib only."""
import json, os, re, shutil, signal, subprocess, sys, threading, time, urllib.error, urllib.parse, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROM_DIR = os.path.join(ROOT, "deploy", "prometheus")
DASHBOARD = os.path.join(ROOT, "deploy", "grafana", "dashboards", "newsflow.json")
RECORDING = os.path.join(PROM_DIR, "rules", "newsflow-recording.yml")
ALERTS = os.path.join(PROM_DIR, "rules", "newsflow-alerts.yml")
PROMETHEUS = os.environ.get("PROMETHEUS", shutil.which("prometheus") or "/usr/bin/prometheus")
PROMTOOL = os.environ.get("PROMTOOL", shutil.which("promtool") or "/usr/bin/promtool")
SKIP = 77  # ctest SKIP_RETURN_CODE

sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from nftest import expect, failures, free_port  # noqa: E402,F401  (re-exported for the observability tests)


def wait_for(what, fn, timeout, interval=0.25):
    """Polls fn() until it returns something truthy; raises TimeoutError naming `what`."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = fn()
            if last:
                return last
        except (OSError, ValueError) as e:
            last = e
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


def http_get(url, timeout=3):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, r.read().decode()


def article(i, lang_hint=None):
    """An invented article from its own source domain (never labelled: cardinality must not grow)."""
    a = {"id": f"art-{i}", "title": f"Council approves budget {i}",
         "body": f"The city council of Exampleton approved budget number {i} on Tuesday, the mayor said.",
         "source": f"source-{i}.example", "url": f"https://source-{i}.example/news/{i}"}
    if lang_hint:
        a["language"] = lang_hint
    return json.dumps(a)


BAD_LINES = ['{"id": "broken', '[1, 2, 3]', '{"title": "no id here"}', '{"id": "e1", "title": "", "body": ""}']


class Newsflow:
    """`newsflow run --input - ... --metrics-bind 127.0.0.1:PORT`, fed by a background thread."""

    def __init__(self, binary, tmp, extra_args=()):
        self.port = free_port()
        self.tmp = tmp
        self.log = open(os.path.join(tmp, "newsflow.log"), "wb")
        self.proc = subprocess.Popen(
            [binary, "run", "--input", "-", "--output", os.path.join(tmp, "out.jsonl"), "--dlq", os.path.join(tmp, "dlq.jsonl"),
             "--metrics-bind", f"127.0.0.1:{self.port}", "--log-level", "warn", *extra_args],
            stdin=subprocess.PIPE, stderr=open(os.path.join(tmp, "newsflow.log"), "wb"))
        self.lock = threading.Lock()
        self.sent = 0
        self.good = 0
        self.bad = 0
        self.bad_every = 0  # 0 = no bad lines
        self.rate = 0       # lines per 0.1 s tick; 0 = paused
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._feed, daemon=True)

    def url(self, path="/metrics"):
        return f"http://127.0.0.1:{self.port}{path}"

    def write(self, lines):
        with self.lock:
            self.proc.stdin.write("".join(l + "\n" for l in lines).encode())
            self.proc.stdin.flush()

    def send_articles(self, n, bad_every=0):
        lines = []
        for _ in range(n):
            self.sent += 1
            if bad_every and self.sent % bad_every == 0:
                lines.append(BAD_LINES[self.sent % len(BAD_LINES)])
                self.bad += 1
            else:
                lines.append(article(self.sent))
                self.good += 1
        self.write(lines)

    def _feed(self):
        while not self.stop.wait(0.1):
            if self.rate:
                try:
                    self.send_articles(self.rate, self.bad_every)
                except (BrokenPipeError, ValueError):
                    return

    def start_feeding(self, rate, bad_every):
        self.rate, self.bad_every = rate, bad_every
        if not self.thread.is_alive():
            self.thread.start()

    def metrics(self):
        return http_get(self.url())[1]

    def finish(self, timeout=30):
        """Stops feeding, closes stdin and waits for a clean exit; returns the exit code."""
        self.stop.set()
        if self.thread.is_alive():
            self.thread.join(timeout=5)
        with self.lock:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        return self.proc.wait(timeout=timeout)

    def kill(self):
        self.stop.set()
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.log.close()


def sample_value(text, series):
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.split()[-1])
    return None


def series_count(text):
    return sum(1 for l in text.splitlines() if l and not l.startswith("#"))


class Prometheus:
    """A real Prometheus on loopback with a temp data dir, scraping one target every second."""

    def __init__(self, tmp, target, rule_files, scrape_interval="1s"):
        self.port = free_port()
        self.dir = os.path.join(tmp, "prometheus")
        os.makedirs(os.path.join(self.dir, "data"))
        rules = "\n".join(f"  - {json.dumps(f)}" for f in rule_files)
        self.config = os.path.join(self.dir, "prometheus.yml")
        with open(self.config, "w") as f:
            f.write(f"""global:
  scrape_interval: {scrape_interval}
  evaluation_interval: {scrape_interval}
rule_files:
{rules}
scrape_configs:
  - job_name: newsflow
    scrape_timeout: {scrape_interval}
    static_configs:
      - targets: ["{target}"]
""")
        self.log = open(os.path.join(self.dir, "prometheus.log"), "wb")
        self.proc = subprocess.Popen(
            [PROMETHEUS, f"--config.file={self.config}", f"--storage.tsdb.path={os.path.join(self.dir, 'data')}",
             f"--web.listen-address=127.0.0.1:{self.port}", "--log.level=warn", "--storage.tsdb.retention.time=1h"],
            stdout=self.log, stderr=subprocess.STDOUT, cwd=self.dir)
        try:
            wait_for("Prometheus /-/ready", lambda: self._ready(), timeout=60)
        except BaseException:
            self.stop()  # never leave a Prometheus behind
            raise

    def _ready(self):
        if self.proc.poll() is not None:
            raise RuntimeError(f"prometheus exited with {self.proc.returncode}; see {self.log.name}")
        try:
            return http_get(f"http://127.0.0.1:{self.port}/-/ready")[0] == 200
        except urllib.error.HTTPError:
            return False

    def api(self, path, **params):
        url = f"http://127.0.0.1:{self.port}/api/v1/{path}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        body = json.loads(http_get(url, timeout=10)[1])
        if body.get("status") != "success":
            raise ValueError(f"{path} {params}: {body}")
        return body["data"]

    def query(self, expr):
        return self.api("query", query=expr)["result"]

    def alerts(self):
        return self.api("alerts")["alerts"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log.close()


def rules_with_zero_for(src, dst):
    """A copy of an alert rule file with every `for:` set to 0s, so a forced condition fires at once."""
    with open(src) as f:
        text = f.read()
    with open(dst, "w") as f:
        f.write(re.sub(r"(?m)^(\s+)for:\s*\S+", r"\1for: 0s", text))
    return dst


def recording_rules(path):
    """Names and expressions of the recording rules in a rule file (a tiny reader for our own layout)."""
    out, lines = [], open(path).read().splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"\s*- record:\s*(\S+)", line)
        if not m:
            continue
        expr_lines, j = [], i + 1
        first = re.match(r"\s*expr:\s*(.*)", lines[j])
        if first.group(1).strip() not in ("|", ">"):
            expr_lines.append(first.group(1))
        else:
            j += 1
            while j < len(lines) and not re.match(r"\s*- (record|alert):", lines[j]) and lines[j].strip():
                expr_lines.append(lines[j].strip())
                j += 1
        out.append((m.group(1), " ".join(expr_lines)))
    return out


def dashboard_queries(dashboard, substitutions):
    """(panel title, expr) for every query of every panel, with dashboard variables substituted."""
    out = []
    for p in dashboard["panels"]:
        for t in p.get("targets", []):
            expr = t["expr"]
            for k, v in substitutions.items():
                expr = expr.replace(k, v)
            out.append((p["title"], expr))
    return out
