"""`make audit`: Lighthouse scores for one page of each kind, served from the built site on
localhost. Prints the four category scores per page; not a test (scores vary from run to run).

    python scripts/lighthouse.py [SITE_DIR [PAGE ...]]   (PRESET=desktop for the desktop profile,
                                                          LH_REPORTS=DIR to keep the JSON reports)
"""
from __future__ import annotations

import functools
import gzip
import http.server
import io
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / ".venv-tools/node_modules/.bin/lighthouse"
PAGES = ["", "cases/", "cases/XA-2023-017/", "search/?q=" + quote("雁塔区"), "stats/", "about/mechanism/", "about/process/",
         "data/"]
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


class Quiet(http.server.SimpleHTTPRequestHandler):
    """Serves like a production host: text compressed with gzip when the browser accepts it."""

    def log_message(self, *args):
        pass

    def end_headers(self):
        # as GitHub Pages does: a visitor's browser keeps the theme's files between pages
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def send_head(self):
        path = Path(self.translate_path(self.path.split("?")[0]))
        if path.is_dir():
            path = path / "index.html"
        text = path.suffix in (".html", ".css", ".js", ".json", ".xml", ".svg", ".csv", ".txt")
        if not (text and path.is_file() and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def handle(self):
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass


def main() -> int:
    site = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "site").resolve()
    if not (site / "index.html").is_file():
        print(f"{site} 中没有网站：请先运行 make site", file=sys.stderr)
        return 2
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    preset = os.environ.get("PRESET", "mobile")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    print(f"Lighthouse 12.2.3, {preset} profile, {site}")
    print(f"{'page':<28}" + "".join(f"{c:>16}" for c in CATEGORIES))
    failed = 0
    try:
        for path in sys.argv[2:] or PAGES:
            cmd = [str(LIGHTHOUSE), base + path, "--quiet", "--output=json", "--output-path=stdout",
                   "--only-categories=" + ",".join(CATEGORIES),
                   "--chrome-flags=--headless=new --no-sandbox --disable-gpu"]
            if preset == "desktop":
                cmd.append("--preset=desktop")
            proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
            try:
                report = json.loads(proc.stdout)
            except json.JSONDecodeError:
                print(f"{path or '/':<28} Lighthouse failed: {proc.stderr.strip()[-300:]}")
                failed += 1
                continue
            if os.environ.get("LH_REPORTS"):
                out = Path(os.environ["LH_REPORTS"])
                out.mkdir(parents=True, exist_ok=True)
                (out / ((path.split("?")[0].strip("/").replace("/", "_") or "home") + ".json")).write_text(proc.stdout)
            scores = [report["categories"][c]["score"] for c in CATEGORIES]
            print(f"{'/' + path:<28}" + "".join(f"{round(s * 100) if s is not None else '—':>16}" for s in scores))
            for c in CATEGORIES:  # what kept a category below 100
                for ref in report["categories"][c]["auditRefs"]:
                    audit = report["audits"][ref["id"]]
                    if ref["weight"] and audit.get("score") is not None and audit["score"] < 0.9:
                        print(f"    {c}: {ref['id']} {audit.get('displayValue', '')} ({audit['score']})")
    finally:
        httpd.shutdown()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
