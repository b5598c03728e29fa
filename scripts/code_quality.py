"""`make check-report` (GitLab CI): the findings of `portal check --format json` as a GitLab Code
Quality report, which GitLab shows in the merge request with a link to each file and line.

    python scripts/code_quality.py CHECK_JSON REPORT_JSON

Severity: privacy errors (E301–E306) are critical, other errors major, warnings minor, notes info.
A finding's fingerprint is its file, code, message and how many times that triple came before in
the file, not its line: a record edited above a finding keeps the finding the same one, so GitLab
does not report it as new.
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

PRIVACY = {"E301", "E302", "E303", "E304", "E305", "E306"}


def severity(code: str) -> str:
    if code in PRIVACY:
        return "critical"
    return {"E": "major", "W": "minor"}.get(code[:1], "info")


def report(check: dict) -> list[dict]:
    seen: dict[tuple[str, str, str], int] = {}
    out = []
    for d in check["diagnostics"]:
        key = (d["path"], d["code"], d["message"])
        seen[key] = seen.get(key, -1) + 1
        fingerprint = hashlib.sha256("\0".join([*key, str(seen[key])]).encode("utf-8")).hexdigest()
        out.append({
            "description": f"{d['code']} {d['message']}",
            "check_name": f"portal-check/{d['code']}",
            "fingerprint": fingerprint,
            "severity": severity(d["code"]),
            "location": {"path": d["path"], "lines": {"begin": d["line"]}},
        })
    return out


def main(argv: list[str]) -> int:
    source, target = (Path(a) for a in argv[1:3])
    try:
        findings = report(json.loads(source.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError):
        findings = []  # the check could not run at all: the plain `portal check` after this says why
    target.write_text(json.dumps(findings, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
