"""Every module of the sidecar imports on its own, as the first of the package to load: no import cycle
hides behind the order in which the service, the CLI or a test happen to load the layers."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import academichub

SIDECAR = Path(__file__).resolve().parents[1] / "sidecar"

# In one interpreter, forgetting the package between imports, so each module starts from nothing of ours.
IMPORT_EACH_FIRST = """
import importlib, sys
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "academichub" or m.startswith("academichub.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed.append(f"{name}: {type(exc).__name__}: {exc}")
print("\\n".join(failed))
"""


def test_every_module_imports_first_on_its_own() -> None:
    modules = [
        info.name
        for info in pkgutil.walk_packages(academichub.__path__, "academichub.")
        if not info.name.endswith("__main__")  # runs the command line when imported
    ]
    assert len(modules) > 100
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_EACH_FIRST, *modules],
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(SIDECAR), "PATH": ""},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
