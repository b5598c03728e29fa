"""The Python floor for the benchmark: C YAML parse of every record plus one small Jinja2
template written per record, in one process. What any Python generator must at least pay."""
import sys
import time
from pathlib import Path

import jinja2
import yaml

TEMPLATE = jinja2.Environment(autoescape=True).from_string(
    "<!doctype html><html lang=zh><meta charset=utf-8><title>{{ r.title }}</title><h1>{{ r.title }}</h1>"
    "<p>{{ r.region }} · {{ r.result.outcome }} · {{ r.result.decided }}</p><h2>对象</h2><p>{{ r.subject.display }}</p>"
    "<h2>事件</h2><p>{{ r.event.summary }}</p><h2>原因</h2><p>{{ r.reason.analysis }}</p>"
    "<h2>流程</h2><ol>{% for s in r.process.steps %}<li>{{ s.date }} {{ s.step }}</li>{% endfor %}</ol>"
    "<h2>结果</h2><p>{{ r.result.summary }}</p>")

cases, out = Path(sys.argv[1]), Path(sys.argv[2])
t = time.perf_counter()
for path in sorted(cases.rglob("*.yaml")):
    record = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
    target = out / record["id"] / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(TEMPLATE.render(r=record), encoding="utf-8")
print(f"{time.perf_counter() - t:.3f}")
