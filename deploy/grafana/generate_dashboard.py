#!/usr/bin/env python3
"""Generates dashboards/newsflow.json, the provisioned Grafana dashboard (uid "newsflow").

Edit the panel list here, then run `python3 deploy/grafana/generate_dashboard.py`; a test checks
the committed JSON matches this generator, and that every panel query returns data against a real
Prometheus scraping newsflow (tests/metrics/prometheus_test.py).
"""
import json, os

DS = {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}
SEL = 'job=~"$job", instance=~"$instance"'
RI = "$__rate_interval"


def rate(metric, extra="", by=None, window=RI):
    labels = SEL + (", " + extra if extra else "")
    inner = f"rate({metric}{{{labels}}}[{window}])"
    return f"sum by ({by}) ({inner})" if by else f"sum({inner})"


def quantile(q, metric, by):
    return f"histogram_quantile({q}, sum by ({by}, le) (rate({metric}_bucket{{{SEL}}}[{RI}])))"


# Panels per row: (title, type, unit, [(expr, legend)], description)
ROWS = [
    ("Overview", [
        ("Input", "stat", "recps", [(rate("newsflow_input_records_total"), "in/s")], "Records read per second."),
        ("Output", "stat", "recps", [(rate("newsflow_output_records_total", 'route=~"output|duplicates"'), "out/s")],
         "Articles written to the output and duplicates routes per second."),
        ("Dead letters", "stat", "recps", [(rate("newsflow_dlq_records_total"), "DLQ/s")], "Records sent to the dead-letter output per second."),
        ("Max consumer lag", "stat", "short", [(f"max(newsflow_kafka_consumer_lag{{{SEL}}})", "lag")],
         "Largest lag of any assigned partition (messages)."),
        ("Ready instances", "stat", "short", [(f"sum(newsflow_ready{{{SEL}}})", "ready"), (f'sum(up{{{SEL}}})', "up")],
         "Instances answering /readyz with 200, and instances Prometheus can scrape."),
        ("End-to-end p99", "stat", "s", [(quantile(0.99, "newsflow_end_to_end_latency_seconds", "job"), "p99")],
         "99th percentile of output time minus the input record timestamp."),
        ("Throughput", "timeseries", "recps", [
            (rate("newsflow_input_records_total"), "in"),
            (rate("newsflow_output_records_total", by="route"), "out: {{route}}"),
            (rate("newsflow_dlq_records_total"), "dead letters")], "Records per second in, out by route, and to the DLQ."),
        ("Dead letters by reason", "timeseries", "recps", [(rate("newsflow_dlq_records_total", by="reason"), "{{reason}}")],
         "Why records are dead-lettered (bounded error codes)."),
        ("End-to-end latency", "timeseries", "s", [
            (quantile(0.5, "newsflow_end_to_end_latency_seconds", "job"), "p50"),
            (quantile(0.99, "newsflow_end_to_end_latency_seconds", "job"), "p99")],
         "Output time minus the input record timestamp (read time in JSONL mode)."),
        ("Articles in flight", "timeseries", "short", [(f"sum by (instance) (newsflow_in_flight_records{{{SEL}}})", "{{instance}}")],
         "Articles inside the graph; at limits.max_in_flight the source waits (back-pressure)."),
    ]),
    ("RED per stage", [
        ("Stage rate", "timeseries", "recps", [(rate("newsflow_stage_records_total", 'outcome="ok"', by="stage"), "{{stage}}")],
         "Articles each stage handled successfully per second."),
        ("Stage errors", "timeseries", "recps", [(rate("newsflow_stage_records_total", 'outcome="error"', by="stage"), "{{stage}}")],
         "Articles a stage failed on (dead-lettered with error.stage) per second."),
        ("Stage error ratio", "timeseries", "percentunit", [(
            rate("newsflow_stage_records_total", 'outcome="error"', by="stage") + " / " +
            rate("newsflow_stage_records_total", 'outcome=~"ok|error"', by="stage"), "{{stage}}")],
         "Share of articles each stage fails on."),
        ("Stage duration p99", "timeseries", "s", [(quantile(0.99, "newsflow_stage_duration_seconds", "stage"), "{{stage}}")],
         "99th percentile of the time a stage spends on one article."),
        ("Stage duration p50", "timeseries", "s", [(quantile(0.5, "newsflow_stage_duration_seconds", "stage"), "{{stage}}")],
         "Median time a stage spends on one article."),
        ("Stage busy time", "timeseries", "percentunit", [(rate("newsflow_stage_duration_seconds_sum", by="stage"), "{{stage}}")],
         "Seconds of work per second in each stage (100 % = one core kept busy), like CPU in the Process row."),
        ("Stage queue depth", "timeseries", "short", [(f"sum by (stage) (newsflow_stage_queue_depth{{{SEL}}})", "{{stage}}")],
         "Articles waiting for each stage: the first stage with a growing queue is the bottleneck."),
    ]),
    ("Kafka lag", [
        ("Consumer lag, top 10 partitions", "timeseries", "short",
         [(f"topk(10, max by (topic, partition) (newsflow_kafka_consumer_lag{{{SEL}}}))", "{{topic}}/{{partition}}")],
         "Messages between the high watermark and the committed offset (records in flight count as lag until committed), worst partitions."),
        ("Consumer lag by topic", "timeseries", "short", [(f"sum by (topic) (newsflow_kafka_consumer_lag{{{SEL}}})", "{{topic}}")],
         "Total lag of the consumer group per input topic."),
        ("Commit rate", "timeseries", "mps", [(f"sum by (topic) (deriv(newsflow_kafka_committed_offset{{{SEL}}}[{RI}]))", "{{topic}}")],
         "Committed offsets advancing per second (at-least-once progress)."),
        ("Assigned partitions", "timeseries", "short", [(f"sum by (instance) (newsflow_kafka_assigned_partitions{{{SEL}}})", "{{instance}}")],
         "Partitions each instance holds."),
        ("Rebalances (15 min)", "timeseries", "short",
         [(f"sum by (instance) (increase(newsflow_kafka_rebalances_total{{{SEL}}}[15m]))", "{{instance}}")],
         "Consumer group rebalances over the last 15 minutes."),
        ("Consumer fetch queue", "timeseries", "short",
         [(f"sum by (instance) (newsflow_kafka_fetch_queue_messages{{{SEL}}})", "{{instance}}")],
         "Messages librdkafka has pre-fetched and newsflow has not taken yet (high while the graph is full)."),
    ]),
    ("librdkafka", [
        ("Broker RTT", "timeseries", "s", [
            (f"max by (broker) (newsflow_kafka_broker_rtt_avg_seconds{{{SEL}}})", "avg {{broker}}"),
            (f"max by (broker) (newsflow_kafka_broker_rtt_p99_seconds{{{SEL}}})", "p99 {{broker}}")],
         "Round-trip time to each broker over librdkafka's statistics window."),
        ("Brokers up", "timeseries", "short", [(f"sum by (broker) (newsflow_kafka_broker_up{{{SEL}}})", "{{broker}}")],
         "Client connections to each broker in state UP."),
        ("Producer queue", "timeseries", "short", [
            (f"sum by (instance) (newsflow_kafka_producer_queue_messages{{{SEL}}})", "messages {{instance}}"),
            (f"sum by (instance) (newsflow_kafka_producer_queue_max_messages{{{SEL}}})", "capacity {{instance}}")],
         "Messages waiting in the producer queues, against their capacity."),
        ("Producer queue size", "timeseries", "bytes", [(f"sum by (instance) (newsflow_kafka_producer_queue_bytes{{{SEL}}})", "{{instance}}")],
         "Bytes waiting in the producer queues."),
        ("Kafka network", "timeseries", "Bps", [
            (rate("newsflow_kafka_sent_bytes_total", by="type"), "sent {{type}}"),
            (rate("newsflow_kafka_received_bytes_total", by="type"), "received {{type}}")],
         "Bytes per second to and from brokers."),
        ("Kafka messages", "timeseries", "mps", [
            (rate("newsflow_kafka_messages_produced_total"), "produced"),
            (rate("newsflow_kafka_messages_consumed_total"), "consumed")],
         "Messages per second produced and consumed, as librdkafka counts them."),
        ("Broker request timeouts", "timeseries", "reqps", [(rate("newsflow_kafka_broker_request_timeouts_total", by="broker"), "{{broker}}")],
         "Requests per second that timed out, per broker."),
        ("Transactions", "timeseries", "ops", [(rate("newsflow_kafka_transactions_total", by="outcome"), "{{outcome}}")],
         "Kafka transactions committed and aborted per second (exactly-once mode; zero in at-least-once mode)."),
        ("Producer transaction state", "table", "none",
         [(f"max by (instance, client, state) (newsflow_kafka_transaction_state{{{SEL}}})", "{{state}}")],
         "librdkafka's current transaction state per producer (Init without transactions, InTransaction, "
         "CommittingTransaction, AbortableError, FatalError, ...)."),
    ]),
    ("NLP quality", [
        ("Language mix", "timeseries", "recps", [(rate("newsflow_articles_by_language_total", by="lang"), "{{lang}}")],
         "Articles per second by detected language (top languages, und, other)."),
        ("Undetermined language", "timeseries", "percentunit", [
            (rate("newsflow_language_undetermined_total") + " / " + rate("newsflow_articles_by_language_total"), "und share"),
            (rate("newsflow_language_unreliable_total") + " / " + rate("newsflow_articles_by_language_total"), "unreliable share")],
         "Share of articles whose language could not be determined, and of those whose detection is unreliable."),
        ("Entities per article", "timeseries", "short", [
            (quantile(0.5, "newsflow_entities_per_article", "job"), "p50"),
            (quantile(0.9, "newsflow_entities_per_article", "job"), "p90"),
            (rate("newsflow_entities_per_article_sum") + " / " + rate("newsflow_entities_per_article_count"), "mean")],
         "Distinct entities found per article."),
        ("Entities by type", "timeseries", "cps", [(rate("newsflow_entities_total", by="type"), "{{type}}")],
         "Entities found per second, by type."),
        ("Watchlist hits", "timeseries", "cps", [(rate("newsflow_watchlist_hits_total", by="watchlist"), "{{watchlist}}")],
         "Entities linked to a watchlist entry per second, by watchlist."),
        ("Dedup results", "timeseries", "recps", [(rate("newsflow_dedup_results_total", by="status"), "{{status}}")],
         "Deduplication verdicts per second."),
        ("Duplicate share", "timeseries", "percentunit", [(
            rate("newsflow_dedup_results_total", 'status!="unique"') + " / " + rate("newsflow_dedup_results_total"), "duplicates")],
         "Share of articles that are exact or near duplicates (dedup hit rate)."),
        ("Entity sentiment", "timeseries", "cps", [(rate("newsflow_entity_sentiment_total", by="polarity"), "{{polarity}}")],
         "Sentiment toward entities per second, by polarity."),
        ("Quotes per article", "timeseries", "short", [
            (rate("newsflow_quotes_per_article_sum") + " / " + rate("newsflow_quotes_per_article_count"), "mean"),
            (quantile(0.9, "newsflow_quotes_per_article", "job"), "p90")],
         "Quotes attributed per article."),
        ("Quote stance", "timeseries", "cps", [(rate("newsflow_quote_stance_total", by="polarity"), "{{polarity}}")],
         "Stance of quoted speakers toward their targets per second, by polarity."),
    ]),
    ("Process", [
        ("CPU", "timeseries", "percentunit", [(rate("process_cpu_seconds_total", by="instance"), "{{instance}}")],
         "CPU time per second (100 % = one core)."),
        ("Resident memory", "timeseries", "bytes", [(f"sum by (instance) (process_resident_memory_bytes{{{SEL}}})", "{{instance}}")],
         "Resident set size."),
        ("Input bytes", "timeseries", "Bps", [(rate("newsflow_input_bytes_total", by="instance"), "{{instance}}")],
         "Bytes of record values read per second."),
        ("Readiness", "timeseries", "bool", [(f"max by (instance) (newsflow_ready{{{SEL}}})", "{{instance}}")],
         "1 while /readyz answers 200."),
        ("Build", "table", "none", [(f"max by (instance, version, librdkafka) (newsflow_build_info{{{SEL}}})", "{{version}}")],
         "newsflow and librdkafka versions per instance."),
    ]),
]


def panel(pid, title, kind, unit, targets, description, x, y, w, h):
    p = {
        "id": pid, "type": kind, "title": title, "description": description, "datasource": DS,
        "gridPos": {"x": x, "y": y, "w": w, "h": h},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "targets": [{"refId": chr(ord("A") + i), "datasource": DS, "expr": expr, "legendFormat": legend,
                     **({"instant": True, "format": "table"} if kind == "table" else {})}
                    for i, (expr, legend) in enumerate(targets)],
    }
    if kind == "stat":
        p["options"] = {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}, "colorMode": "value",
                        "graphMode": "area", "textMode": "auto"}
    elif kind == "timeseries":
        p["options"] = {"legend": {"displayMode": "list", "placement": "bottom"}, "tooltip": {"mode": "multi"}}
    return p


def dashboard():
    panels, pid, y = [], 1, 0
    for row_title, row_panels in ROWS:
        panels.append({"id": pid, "type": "row", "title": row_title, "collapsed": False, "gridPos": {"x": 0, "y": y, "w": 24, "h": 1},
                       "panels": []})
        pid, y = pid + 1, y + 1
        x, line_h = 0, 0
        stats = sum(1 for p in row_panels if p[1] == "stat")
        for title, kind, unit, targets, description in row_panels:
            w, h = (24 // stats if kind == "stat" else 8), (4 if kind == "stat" else 8)  # stats share one line
            if x + w > 24:  # wrap below the tallest panel of the current line
                x, y, line_h = 0, y + line_h, 0
            panels.append(panel(pid, title, kind, unit, targets, description, x, y, w, h))
            pid, x, line_h = pid + 1, x + w, max(line_h, h)
        y += line_h
    var = lambda name, label, query, **kw: {
        "name": name, "label": label, "type": "query", "datasource": DS, "query": {"query": query, "refId": name},
        "definition": query, "refresh": 2, "includeAll": True, "multi": True, "allValue": ".+",
        "current": {"selected": True, "text": ["All"], "value": ["$__all"]}, "sort": 1, **kw}
    return {
        "uid": "newsflow", "title": "newsflow", "description": "newsflow news-stream pipeline: throughput, errors, latency, "
        "Kafka lag, librdkafka, NLP quality, process.", "tags": ["newsflow", "kafka", "nlp"], "timezone": "", "editable": True,
        "schemaVersion": 38, "version": 1, "refresh": "30s", "time": {"from": "now-1h", "to": "now"},
        "graphTooltip": 1, "links": [], "annotations": {"list": []},
        "templating": {"list": [
            {"name": "DS_PROMETHEUS", "label": "Prometheus", "type": "datasource", "query": "prometheus", "hide": 0,
             "current": {}, "regex": "", "refresh": 1},
            var("job", "Job", "label_values(newsflow_build_info, job)"),
            var("instance", "Instance", 'label_values(newsflow_build_info{job=~"$job"}, instance)'),
        ]},
        "panels": panels,
    }


def render():
    return json.dumps(dashboard(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dashboards", "newsflow.json")
    with open(out, "w") as f:
        f.write(render())
    print(out)
