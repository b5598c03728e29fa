"""Staff workflow around the generator: the pre-commit hook, and the CI templates that check
and deploy (parsed and inspected; they cannot run here)."""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

PROJECT_COMMANDS = ("make check-report", "make site", "mv site public")


def load(name: str) -> dict:
    # PyYAML reads a bare `on:` key as True (YAML 1.1); GitHub reads it as "on"
    data = yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


def test_github_workflow_checks_pull_requests_and_deploys_main_with_the_official_pages_actions():
    wf = load(".github/workflows/site.yml")
    assert {"pull_request", "push", "schedule"} <= set(wf["on"]) and wf["on"]["push"]["branches"] == ["main"]
    assert wf["env"]["TZ"] == "Asia/Shanghai"  # log times in Beijing time (the build date is China's anyway)
    build, deploy = wf["jobs"]["build"], wf["jobs"]["deploy"]
    runs = [s["run"] for s in build["steps"] if "run" in s]
    assert [r for r in runs if r.startswith("make")] == ["make check", "make site"]
    # problems found by the check are marked on the lines of the pull request, once
    matcher = json.loads((ROOT / ".github/portal-problem-matcher.json").read_text(encoding="utf-8"))
    owners = [m["owner"] for m in matcher["problemMatcher"]]
    assert runs.index('echo "::add-matcher::.github/portal-problem-matcher.json"') < runs.index("make check")
    assert runs.index("make check") < next(i for i, r in enumerate(runs) if all(f"::remove-matcher owner={o}::" in r for o in owners))
    uses = [s["uses"].split("@")[0] for job in (build, deploy) for s in job["steps"] if "uses" in s]
    assert uses == ["actions/checkout", "actions/setup-python", "actions/setup-node", "actions/cache",
                    "actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"]  # node: make installs Pagefind from npm
    # the site's own address reaches mkdocs.yml's site_url (site_url: !ENV [PORTAL_SITE_URL, null]): a project
    # site lives under /<repo>/, where a 404 page linked from the root loaded no styles
    pages = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/configure-pages"))
    site = next(s for s in build["steps"] if s.get("run") == "make site")
    assert build["steps"].index(pages) < build["steps"].index(site) and "pull_request" in pages["if"]
    assert site["env"]["PORTAL_SITE_URL"] == "${{ steps.%s.outputs.base_url }}" % pages["id"]
    assert build["permissions"] == {"contents": "read", "pages": "read"}
    # only the kept search index is carried between runs, never the check cache (pickles)
    cache = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/cache"))
    assert cache["with"]["path"] == "~/.cache/portal/pagefind-*"
    assert build["steps"].index(cache) < next(i for i, s in enumerate(build["steps"]) if s.get("run") == "make site")
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "site" and "pull_request" in upload["if"]
    assert deploy["needs"] == "build" and "refs/heads/main" in deploy["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert wf["permissions"] == {"contents": "read"}  # least privilege everywhere else


def test_the_problem_matcher_reads_the_checks_own_lines():
    """GitHub's problem matcher (JavaScript regular expressions; these are the same in Python)
    turns each diagnostic line into an annotation on the record's line: E codes as errors, W codes
    as warnings, N notes not at all."""
    matchers = json.loads((ROOT / ".github/portal-problem-matcher.json").read_text(encoding="utf-8"))["problemMatcher"]
    broken = ROOT / "tests/fixtures/broken"
    r = subprocess.run([sys.executable, "-m", "generator", "check", str(broken / "E301-id-number"),
                        str(broken / "W301-id-bad-check-digit"), "cases"],
                       cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    lines = r.stdout.splitlines()
    assert any(" N001 " in line for line in lines)  # a note is printed, and must not become an annotation
    found = []
    for line in lines:
        hits = [(m["severity"], re.match(m["pattern"][0]["regexp"], line), m["pattern"][0]) for m in matchers]
        hits = [(sev, m, p) for sev, m, p in hits if m]
        assert len(hits) <= 1
        for sev, m, p in hits:
            found.append((sev, m[p["file"]], int(m[p["line"]]), int(m[p["column"]]), m[p["code"]], m[p["message"]]))
    codes = {(sev, Path(f).parent.name, code, line) for sev, f, line, _, code, _ in found}
    assert {("error", "E301-id-number", "E301", 12), ("warning", "W301-id-bad-check-digit", "W301", 12)} <= codes
    assert len(found) == len([line for line in lines if re.search(r": [EW]\d{3} ", line)])  # every error and warning
    assert all({"E": "error", "W": "warning"}[code[0]] == sev and msg and col >= 1 for sev, _, _, col, code, msg in found)


def test_gitlab_ci_checks_merge_requests_and_publishes_public_on_the_default_branch():
    ci = load(".gitlab-ci.yml")
    assert ci["variables"]["TZ"] == "Asia/Shanghai"
    check, pages = ci["check"], ci["pages"]
    assert any("merge_request_event" in r["if"] for r in check["rules"])
    # a push to a branch with an open merge request runs one pipeline, not a branch and an MR pipeline
    assert {"if": "$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS", "when": "never"} in ci["workflow"]["rules"]
    assert pages["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert pages["artifacts"]["paths"] == ["public"]
    for job in (check, pages):
        assert all(line in PROJECT_COMMANDS for line in job["script"]), job["script"]
    assert pages["script"][-1] == "mv site public"
    for job in (check, pages):  # the check's findings in the merge request, also when it fails
        assert job["script"][0] == "make check-report"
        assert job["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
        assert job["artifacts"]["when"] == "always"
    assert any("install" in line and "npm" in line for line in ci["default"]["before_script"])  # Pagefind from npm
    # the kept search index is carried between runs, never the check cache (pickles)
    carried = [p for c in pages["cache"] for p in c["paths"] if "portal" in p]
    assert carried == [".cache/portal/pagefind-*"]
    assert pages["variables"]["PORTAL_CACHE_DIR"] == "$CI_PROJECT_DIR/.cache/portal"
    assert pages["variables"]["PORTAL_SITE_URL"] == "$CI_PAGES_URL"  # mkdocs.yml's site_url, as on GitHub
    assert {".cache/pip"} <= {p for c in pages["cache"] for p in c["paths"]}  # the job's list replaces the global one


def test_make_targets_called_by_ci_exist():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("check", "check-report", "site"):
        assert f"\n{target}:" in makefile


def test_the_code_quality_report_lists_each_finding_with_its_file_and_line(tmp_path):
    """GitLab's Code Quality format (description, check_name, fingerprint, severity, location);
    a fingerprint stays the same when the record is edited above the finding."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from code_quality import main
    finally:
        sys.path.pop(0)
    broken = ROOT / "tests/fixtures/broken"
    r = subprocess.run([sys.executable, "-m", "generator", "check", "--format", "json", str(broken / "E301-id-number"),
                        str(broken / "W301-id-bad-check-digit"), "cases"],
                       cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    check = json.loads(r.stdout)
    (tmp_path / "check.json").write_text(r.stdout, encoding="utf-8")
    assert main(["code_quality.py", str(tmp_path / "check.json"), str(tmp_path / "report.json")]) == 0
    findings = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert len(findings) == len(check["diagnostics"])
    assert all(set(f) == {"description", "check_name", "fingerprint", "severity", "location"} for f in findings)
    by_code = {f["check_name"]: f for f in findings}
    e301 = by_code["portal-check/E301"]
    assert e301["severity"] == "critical" and e301["location"]["lines"]["begin"] == 12
    assert e301["location"]["path"].endswith("E301-id-number/XA-2024-001.yaml") and e301["description"].startswith("E301 ")
    assert by_code["portal-check/W301"]["severity"] == "minor" and by_code["portal-check/N001"]["severity"] == "info"
    assert len({f["fingerprint"] for f in findings}) == len(findings)
    # the same finding two lines further down is the same finding
    for d in check["diagnostics"]:
        d["line"] += 2
    (tmp_path / "moved.json").write_text(json.dumps(check), encoding="utf-8")
    main(["code_quality.py", str(tmp_path / "moved.json"), str(tmp_path / "moved-report.json")])
    moved = json.loads((tmp_path / "moved-report.json").read_text(encoding="utf-8"))
    assert [f["fingerprint"] for f in moved] == [f["fingerprint"] for f in findings]
    # a check that could not run leaves an empty report, not a traceback (its own message follows)
    (tmp_path / "empty.json").write_text("", encoding="utf-8")
    assert main(["code_quality.py", str(tmp_path / "empty.json"), str(tmp_path / "none.json")]) == 0
    assert json.loads((tmp_path / "none.json").read_text(encoding="utf-8")) == []


@pytest.fixture
def repo(tmp_path):
    """A git repository holding a copy of the project, with the project's own .venv."""
    project = tmp_path / "proj"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(".venv", "site", ".git", "bench", "tests", "docs"))
    (project / ".venv").symlink_to(ROOT / ".venv")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
           "PYTHONPATH": str(ROOT)}
    git = lambda *a: subprocess.run(["git", *a], cwd=project, env=env, capture_output=True, text=True)  # noqa: E731
    assert git("init", "-q", "-b", "main").returncode == 0
    git("add", "-A")
    assert git("commit", "-q", "-m", "init").returncode == 0
    return project, env, git


def test_pre_commit_hook_fails_on_a_broken_staged_record_and_passes_a_good_one(repo):
    project, env, git = repo
    pre_commit = [sys.executable, "-m", "pre_commit", "run"]
    record = project / "cases/2023/XA-2023-017.yaml"
    good = record.read_text(encoding="utf-8")
    record.write_text(good.replace("region: 雁塔区", "region: 雁塔", 1), encoding="utf-8")
    git("add", str(record))
    broken = subprocess.run(pre_commit, cwd=project, env=env, capture_output=True, text=True)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "E205" in broken.stdout and "XA-2023-017.yaml" in broken.stdout
    record.write_text(good.replace("title: ", "title: 更正后", 1), encoding="utf-8")
    git("add", str(record))
    fixed = subprocess.run(pre_commit, cwd=project, env=env, capture_output=True, text=True)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "检查案例记录" in fixed.stdout and "Passed" in fixed.stdout
    assert git("commit", "-q", "--no-verify", "-m", "fix").returncode == 0
    # a commit that touches no record does not run the check at all
    (project / "README.md").write_text("x\n", encoding="utf-8")
    git("add", "README.md")
    skipped = subprocess.run(pre_commit, cwd=project, env=env, capture_output=True, text=True)
    assert skipped.returncode == 0 and "Skipped" in skipped.stdout


def test_pre_commit_config_runs_the_project_check():
    cfg = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hook = cfg["repos"][0]["hooks"][0]
    assert cfg["repos"][0]["repo"] == "local" and hook["entry"] == ".venv/bin/portal check"
    import re

    files = re.compile(hook["files"])
    assert files.search("cases/2023/XA-2023-017.yaml") and files.search("content/data/regions.yaml")
    assert not files.search("content/index.md") and not files.search("README.md")
    assert Path(ROOT / ".venv/bin/portal").exists()
