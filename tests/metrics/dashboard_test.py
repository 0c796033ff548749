#!/usr/bin/env python3
"""Static checks of the provisioned Grafana dashboard and provisioning files: stable uid, the
DS_PROMETHEUS datasource variable, the expected rows, and for every panel a title, a unit and a
query on that datasource; the committed JSON is what deploy/grafana/generate_dashboard.py makes."""
import importlib.util, json, os, re, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from promlib import DASHBOARD, ROOT, expect, failures

GRAFANA = os.path.join(ROOT, "deploy", "grafana")
ROWS = ["Overview", "RED per stage", "Kafka lag", "librdkafka", "NLP quality", "Process"]
d = json.load(open(DASHBOARD))
expect(d.get("uid") == "newsflow", f"stable uid 'newsflow', got {d.get('uid')}")
variables = {v["name"]: v for v in d.get("templating", {}).get("list", [])}
ds = variables.get("DS_PROMETHEUS")
expect(ds is not None and ds["type"] == "datasource" and ds["query"] == "prometheus", "DS_PROMETHEUS datasource variable")
rows = [p["title"] for p in d["panels"] if p["type"] == "row"]
expect(rows == ROWS, f"rows {rows}, want {ROWS}")
ids = [p["id"] for p in d["panels"]]
expect(len(ids) == len(set(ids)), "panel ids are unique")
panels = [p for p in d["panels"] if p["type"] != "row"]
expect(len(panels) >= 30, f"{len(panels)} panels")
# Grafana unit ids this dashboard may use (a typo would render as a raw number without a unit).
UNITS = {"recps", "mps", "cps", "reqps", "ops", "short", "none", "percentunit", "s", "bytes", "Bps", "bool"}
for p in panels:
    title = p.get("title", "")
    unit = p.get("fieldConfig", {}).get("defaults", {}).get("unit", "")
    expect(unit in UNITS, f"panel '{title}' unit '{unit}' is a known Grafana unit id")
    expect(title.strip() != "", f"panel {p['id']} has a title")
    expect(p.get("description", "").strip() != "", f"panel '{title}' has a description (what it shows, for the reader)")
    expect(p.get("fieldConfig", {}).get("defaults", {}).get("unit", "") != "", f"panel '{title}' has a unit")
    expect(p.get("datasource", {}).get("uid") == "${DS_PROMETHEUS}", f"panel '{title}' uses ${{DS_PROMETHEUS}}")
    targets = p.get("targets", [])
    expect(targets and all(t.get("expr", "").strip() for t in targets), f"panel '{title}' has a query")
    for t in targets:
        expect(t.get("datasource", {}).get("uid") == "${DS_PROMETHEUS}", f"panel '{title}' target uses ${{DS_PROMETHEUS}}")
        # Label by id/url/source would explode cardinality; dashboards must not expect such labels.
        expect(not re.search(r"\b(id|url|source)\s*=", t["expr"]), f"panel '{title}' filters on an unbounded label")
    g = p["gridPos"]
    expect(0 <= g["x"] and g["x"] + g["w"] <= 24, f"panel '{title}' fits the 24-column grid")
titles = [p["title"] for p in panels]
expect(len(titles) == len(set(titles)), "panel titles are unique")

spec = importlib.util.spec_from_file_location("gen", os.path.join(GRAFANA, "generate_dashboard.py"))
gen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen)
expect(gen.render() == open(DASHBOARD).read(), "dashboards/newsflow.json is stale: run deploy/grafana/generate_dashboard.py")

ds_yaml = open(os.path.join(GRAFANA, "provisioning", "datasources", "prometheus.yml")).read()
expect("type: prometheus" in ds_yaml and "apiVersion: 1" in ds_yaml, "datasource provisioning file")
db_yaml = open(os.path.join(GRAFANA, "provisioning", "dashboards", "newsflow.yml")).read()
expect("type: file" in db_yaml and "path:" in db_yaml, "dashboard provider provisioning file")

print(f"{len(panels)} panels in {len(rows)} rows checked")
sys.exit(1 if failures else 0)
