"""The domain never imports MkDocs: only the adapter modules do, so that moving off mkdocs-material
(end of life May 2027; MkDocs 2 drops plugins) touches the adapter and the theme alone."""
import subprocess
import sys

from tests.conftest import ROOT

ADAPTERS = {"mkdocs_plugin", "mkdocs_macros"}  # the thin layer that hands pages to MkDocs
ENGINE = ("mkdocs", "material", "mkdocs_macros", "pymdownx")


def test_no_module_outside_the_adapter_loads_mkdocs():
    modules = sorted(p.stem for p in (ROOT / "generator").glob("*.py") if p.stem not in ADAPTERS | {"__main__"})
    assert {"model", "load", "check", "render", "export", "index"} <= set(modules)
    code = ("import importlib, sys\n"
            f"for m in {modules!r}: importlib.import_module('generator.' + m)\n"
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {ENGINE!r}))")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]", r.stdout


def test_the_domain_does_not_reach_into_the_adapter():
    for path in sorted((ROOT / "generator").glob("*.py")):
        if path.stem in ADAPTERS:
            continue
        text = path.read_text(encoding="utf-8")
        for adapter in ADAPTERS:
            # build.py starts MkDocs for `portal build` and `portal serve`, inside its functions
            if path.stem != "build":
                assert f".{adapter} import" not in text and f"generator.{adapter}" not in text, (path.name, adapter)
