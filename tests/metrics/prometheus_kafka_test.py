#!/usr/bin/env python3
"""A real Prometheus scraping newsflow in Kafka mode against the real broker (run it through
tests/kafka/with-broker.sh, which sets KAFKA_BOOTSTRAP), fed with articles by kcat:

- every recording rule and every dashboard panel query returns data: the checks of
  prometheus_test.py with its Kafka-only exclusion list emptied, and every name on that list is
  exported here (so the list only ever excludes what JSONL mode cannot have);
- `promtool check metrics` accepts the Kafka-mode exposition (librdkafka statistics included);
- consumer lag is exported for every assigned partition of the input topic (4 of 4, one consumer),
  and newsflow_kafka_assigned_partitions says 4;
- readiness follows assignment: of two instances in one group on a 1-partition topic, the one
  without the partition answers /readyz 503 (newsflow_ready 0) while the holder answers 200; when
  the holder stops, the other takes the partition over and turns ready;
- /readyz answers 200 once partitions are assigned, and 503 (newsflow_ready 0, also in
  Prometheus, where NewsflowNotReady then fires; healthy-run alerts stay quiet before) right after
  SIGTERM while the shutdown is still running: the broker is frozen
  (kafka.sh freeze) just before the signal so the drain cannot finish before we look; after the
  thaw newsflow exits 0.

Usage: prometheus_kafka_test.py NEWSFLOW_BINARY. Exits 77 (skipped) without KAFKA_BOOTSTRAP
(outside CI=true) or without prometheus. Uses its own topics and group; deletes them on success.
"""
import json, os, signal, subprocess, sys, tempfile, threading, time, urllib.error

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from promlib import (ALERTS, BAD_LINES, DASHBOARD, PROMETHEUS, PROMTOOL, RECORDING, ROOT, SKIP, Prometheus,
                     article, dashboard_queries, expect, failures, free_port, http_get, recording_rules,
                     rules_with_zero_for, series_count, wait_for)
from prometheus_test import KAFKA_ONLY_IN_JSONL_MODE, KAFKA_ONLY_RECORDINGS, SUBSTITUTIONS

KAFKA_SH = os.path.join(ROOT, "deploy", "kafka", "kafka.sh")
PARTITIONS = 4
def status(url):
    """HTTP status of a GET (an error status is a status, not an exception)."""
    try:
        return http_get(url, timeout=2)[0]
    except urllib.error.HTTPError as e:
        return e.code


class Feeder:
    """Produces invented articles (every 50th line bad) to the input topic with kcat, in batches."""

    def __init__(self, boot, topic):
        self.boot, self.topic = boot, topic
        self.sent = 0
        self.stop = threading.Event()
        self.error = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def batch(self, n):
        lines = []
        for _ in range(n):
            self.sent += 1
            value = BAD_LINES[self.sent % len(BAD_LINES)] if self.sent % 50 == 0 else article(self.sent)
            lines.append(f"art-{self.sent}\t{value}")
        r = subprocess.run(["kcat", "-P", "-b", self.boot, "-t", self.topic, "-K", "\t", "-q"],
                           input=("\n".join(lines) + "\n").encode(), capture_output=True, timeout=60)
        if r.returncode != 0:
            raise RuntimeError("kcat -P: " + r.stderr.decode(errors="replace"))

    def _run(self):
        try:
            while not self.stop.wait(0.5):
                self.batch(100)  # ~200 articles/s
        except Exception as e:  # noqa: BLE001 - reported by the main thread
            self.error = e

    def finish(self):
        self.stop.set()
        if self.thread.is_alive():
            self.thread.join(timeout=60)


def firing(prom, name):
    return [a for a in prom.alerts() if a["labels"].get("alertname") == name and a["state"] == "firing"]


def kafka_sh(*args, timeout=120):
    r = subprocess.run([KAFKA_SH, *args], capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError(f"kafka.sh {' '.join(args)}: {r.stderr}")


def answer_all(prom, what, pending, timeout):
    """Waits until every (name, expr) in `pending` returns data; returns those that never did."""
    def step():
        for item in sorted(pending):
            if prom.query(item[1]):
                pending.discard(item)
        return not pending
    try:
        wait_for(what, step, timeout=timeout, interval=1)
    except TimeoutError:
        pass
    return sorted(pending)


def checks(prom, nf_url, topic):
    # Kafka-mode exposition passes Prometheus's own linter.
    text = http_get(nf_url + "/metrics")[1]
    print(f"Kafka mode /metrics: {series_count(text)} series, {len(text)} bytes (1 consumer, 1 producer, {PARTITIONS} partitions)")
    r = subprocess.run([PROMTOOL, "check", "metrics"], input=text, capture_output=True, text=True, timeout=60)
    expect(r.returncode == 0, f"promtool check metrics (Kafka mode):\n{r.stdout}{r.stderr}")
    # Everything prometheus_test.py excludes in JSONL mode is really exported here.
    for m in KAFKA_ONLY_IN_JSONL_MODE:
        expect(f"\n{m}{{" in text or f"\n{m} " in text, f"{m} (Kafka-only in prometheus_test.py) not exported in Kafka mode")

    # Consumer lag per assigned partition.
    def lag_partitions():
        rows = prom.query(f'newsflow_kafka_consumer_lag{{job="newsflow", topic="{topic}"}}')
        return {r["metric"]["partition"] for r in rows} == {str(p) for p in range(PARTITIONS)} and rows
    try:
        rows = wait_for(f"consumer lag for partitions 0..{PARTITIONS - 1} of {topic}", lag_partitions, timeout=60, interval=1)
        print("consumer lag:", {r["metric"]["partition"]: r["value"][1] for r in rows})
    except TimeoutError as e:
        expect(False, str(e))
    assigned = prom.query('sum(newsflow_kafka_assigned_partitions{job="newsflow"})')
    expect(assigned and float(assigned[0]["value"][1]) == PARTITIONS, f"assigned partitions: {assigned}")

    # Every recording rule, nothing excluded.
    rules = recording_rules(RECORDING)
    missing = answer_all(prom, "every recording rule to return data", set(rules), timeout=90)
    for name, _ in missing:
        expect(False, f"recording rule {name} returns no data in Kafka mode")
    expect(all(n in {r for r, _ in rules} for n in KAFKA_ONLY_RECORDINGS), "Kafka-only recordings exist")

    # Every dashboard query, nothing excluded.
    queries = dashboard_queries(json.load(open(DASHBOARD)), SUBSTITUTIONS)
    missing = answer_all(prom, "every dashboard query to return data", set(queries), timeout=90)
    for title, expr in missing:
        expect(False, f"panel '{title}' returns no data in Kafka mode: {expr}")
    print(f"{len(rules)} recording rules and {len(queries)} dashboard queries checked, none excluded")


def readiness_follows_assignment(binary, boot, tag, tmp):
    """Two instances in one group on a 1-partition topic: the one without a partition is not ready;
    once the holder stops, the other gets the partition and turns ready."""
    t = {n: f"{tag}.one.{n}" for n in ("raw", "out", "dup", "dlq", "state")}
    for topic in t.values():
        kafka_sh("create-topic", topic, "1")
    procs, urls = [], []
    try:
        for i in range(2):
            port = free_port()
            cfg = {"stages": [], "metrics": {"bind": f"127.0.0.1:{port}", "kafka_statistics_interval_ms": 500},
                   "kafka": {"bootstrap_servers": boot, "group_id": tag + ".one.group", "shutdown_timeout_ms": 10000,
                             "topics": {"input": t["raw"], "output": t["out"], "duplicates": t["dup"], "dlq": t["dlq"],
                                        "dedup_state": t["state"]}}}
            path = os.path.join(tmp, f"one-{i}.yaml")
            with open(path, "w") as f:
                json.dump(cfg, f)
            log = open(os.path.join(tmp, f"one-{i}.log"), "wb")
            procs.append(subprocess.Popen([binary, "run", "--config", path], stdout=log, stderr=subprocess.STDOUT))
            urls.append(f"http://127.0.0.1:{port}")
            if i == 0:
                wait_for("first instance ready (holds the partition)", lambda: status(urls[0] + "/readyz") == 200, timeout=60)
        # The second one joins; the cooperative rebalance leaves it without a partition.
        wait_for("second instance in the group, serving /metrics", lambda: status(urls[1] + "/metrics") == 200, timeout=60)
        def joined():  # the group rebalanced with it as a member (its empty assignment counts)
            m = http_get(urls[1] + "/metrics")[1]
            return any(l.startswith("newsflow_kafka_rebalances_total{") and float(l.split()[-1]) >= 1 for l in m.splitlines())
        wait_for("second instance to join the group (rebalances_total >= 1)", joined, timeout=60)
        expect(status(urls[1] + "/readyz") == 503, "instance without a partition answers /readyz 200")
        expect("\nnewsflow_ready 0" in http_get(urls[1] + "/metrics")[1], "instance without a partition has newsflow_ready 1")
        expect(status(urls[0] + "/readyz") == 200, "instance holding the partition is not ready")
        procs[0].send_signal(signal.SIGTERM)
        expect(procs[0].wait(timeout=40) == 0, "first instance did not exit 0 after SIGTERM")
        try:
            wait_for("second instance ready after taking the partition over", lambda: status(urls[1] + "/readyz") == 200, timeout=60)
            print("readiness follows assignment: 503 without a partition, 200 after taking it over")
        except TimeoutError as e:
            expect(False, str(e))
        procs[1].send_signal(signal.SIGTERM)
        expect(procs[1].wait(timeout=40) == 0, "second instance did not exit 0 after SIGTERM")
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)
    if not failures:
        kafka_sh("delete-topics", tag + r"\.one\..*")


def main():
    binary = sys.argv[1]
    boot = os.environ.get("KAFKA_BOOTSTRAP", "")
    if not boot:
        if os.environ.get("CI") == "true":
            print("FAIL: CI=true but KAFKA_BOOTSTRAP is not set")
            return 1
        print("SKIP: KAFKA_BOOTSTRAP not set: run through tests/kafka/with-broker.sh")
        return SKIP
    if not (os.access(PROMETHEUS, os.X_OK) and os.access(PROMTOOL, os.X_OK)):
        print(f"SKIP: {PROMETHEUS} / {PROMTOOL} not installed (Debian package prometheus)")
        return SKIP

    tag = f"nfprom{os.getpid()}{int(time.time() * 1000) % 10**8}"
    t = {n: f"{tag}.{n}" for n in ("raw", "out", "dup", "dlq", "state")}
    for n, topic in t.items():
        kafka_sh("create-topic", topic, str(PARTITIONS), *(["max.message.bytes=8388608"] if n in ("raw", "dlq") else []))

    with tempfile.TemporaryDirectory(prefix="newsflow-promkafka-") as tmp:
        port = free_port()
        cfg = {"metrics": {"bind": f"127.0.0.1:{port}", "kafka_statistics_interval_ms": 1000},
               "kafka": {"bootstrap_servers": boot, "group_id": tag + ".group", "shutdown_timeout_ms": 25000,
                         "topics": {"input": t["raw"], "output": t["out"], "duplicates": t["dup"], "dlq": t["dlq"],
                                    "dedup_state": t["state"]}}}
        cfg_path = os.path.join(tmp, "newsflow.yaml")
        with open(cfg_path, "w") as f:
            json.dump(cfg, f)  # JSON is YAML
        log_path = os.path.join(tmp, "newsflow.log")
        nf_url = f"http://127.0.0.1:{port}"
        log = open(log_path, "wb")
        nf = subprocess.Popen([binary, "run", "--config", cfg_path], stdout=log, stderr=subprocess.STDOUT)
        feeder = Feeder(boot, t["raw"])
        prom = None
        frozen = False
        try:
            def alive():
                if nf.poll() is not None:
                    raise RuntimeError(f"newsflow exited with {nf.returncode}")
                return True
            wait_for("/readyz 200 (partitions assigned)", lambda: alive() and status(nf_url + "/readyz") == 200, timeout=60)
            feeder.batch(200)
            feeder.thread.start()
            prom = Prometheus(tmp, f"127.0.0.1:{port}", [RECORDING, rules_with_zero_for(ALERTS, os.path.join(tmp, "alerts.yml"))])
            wait_for("up{job=newsflow} == 1", lambda: [r for r in prom.query('up{job="newsflow"}') if r["value"][1] == "1"], 60)
            checks(prom, nf_url, t["raw"])
            expect(feeder.error is None, f"feeding failed: {feeder.error}")
            ready = prom.query('newsflow_ready{job="newsflow"}')
            expect(ready and ready[0]["value"][1] == "1", f"newsflow_ready in Prometheus while assigned: {ready}")
            for quiet in ("NewsflowTargetDown", "NewsflowNotReady", "NewsflowProducerQueueNearlyFull",
                          "NewsflowTransactionsAborting", "NewsflowNoOutput"):
                expect(not firing(prom, quiet), f"{quiet} fires in a healthy Kafka-mode run")

            # SIGTERM with the broker frozen: the shutdown (flush, commit) cannot finish, so newsflow
            # is still serving when we look, and readiness must already be off.
            feeder.finish()
            feeder.batch(500)  # records in flight at the freeze
            kafka_sh("freeze")
            frozen = True
            t0 = time.monotonic()
            nf.send_signal(signal.SIGTERM)
            try:
                wait_for("/readyz 503 after SIGTERM", lambda: alive() and status(nf_url + "/readyz") == 503, timeout=10, interval=0.01)
                print(f"/readyz 503 seen {1000 * (time.monotonic() - t0):.0f} ms after SIGTERM (polling every 10 ms)")
                text = http_get(nf_url + "/metrics")[1]
                expect("\nnewsflow_ready 0" in text, "newsflow_ready is not 0 after SIGTERM")
                wait_for("Prometheus to see newsflow_ready == 0",
                         lambda: [r for r in prom.query('newsflow_ready{job="newsflow"}') if r["value"][1] == "0"], timeout=15)
                wait_for("NewsflowNotReady firing (rules copied with for: 0s)", lambda: firing(prom, "NewsflowNotReady"), timeout=15)
                print("after SIGTERM: /readyz 503, newsflow_ready 0 (also in Prometheus, NewsflowNotReady fires) while the shutdown runs")
            except (TimeoutError, RuntimeError) as e:
                expect(False, str(e))
            kafka_sh("thaw")
            frozen = False
            try:
                rc = nf.wait(timeout=40)
                expect(rc == 0, f"newsflow exit code {rc} after SIGTERM")
            except subprocess.TimeoutExpired:
                expect(False, "newsflow did not exit within 40 s of SIGTERM (broker thawed)")
            print(f"sent {feeder.sent} records to {t['raw']}")
        except Exception as e:  # noqa: BLE001 - any error is a failure, with its reason
            expect(False, f"{type(e).__name__}: {e}")
        finally:
            if frozen:
                kafka_sh("thaw")
            feeder.finish()
            if nf.poll() is None:
                nf.kill()
                nf.wait(timeout=10)
            log.close()
            if prom:
                prom.stop()
                if failures:
                    sys.stdout.write(open(prom.log.name).read()[-3000:])
            if failures:
                sys.stdout.write(open(log_path, "rb").read().decode(errors="replace")[-4000:])
        try:
            readiness_follows_assignment(binary, boot, tag, tmp)
        except Exception as e:  # noqa: BLE001
            expect(False, f"readiness/assignment phase: {type(e).__name__}: {e}")
            for i in range(2):
                lp = os.path.join(tmp, f"one-{i}.log")
                if os.path.exists(lp):
                    sys.stdout.write(open(lp, "rb").read().decode(errors="replace")[-2000:])
    if not failures:
        kafka_sh("delete-topics", tag + r"\..*")
    print("FAILED" if failures else "OK")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
