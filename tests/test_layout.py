"""The site's packages hold only the site: none of their modules imports the tooling in tools/."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE_PACKAGES = ("asf_portal", "regions", "projects")
TOOLING = re.compile(r"tools(\.|$)")


def tooling_imports(source):
    """The lines of a module that import from tools/: import statements, and dotted paths in
    strings that Django or a library imports (a URLconf, a middleware, a WSGI application)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names = [node.value]
        else:
            continue
        found += [(node.lineno, name) for name in names if TOOLING.match(name)]
    return found


def site_modules():
    return sorted(path for package in SITE_PACKAGES for path in (ROOT / package).rglob("*.py"))


def test_no_module_of_the_site_imports_the_tooling():
    modules = site_modules()
    assert ROOT / "asf_portal" / "settings.py" in modules
    imports = [
        f"{path.relative_to(ROOT)}:{line}: {name}"
        for path in modules
        for line, name in tooling_imports(path.read_text())
    ]
    assert imports == []


@pytest.mark.parametrize(
    "statement",
    [
        "import tools.localdb",
        "from tools import localdb",
        "from tools.localdb import PROJECT_CLUSTER",
        'ROOT_URLCONF = "tools.bench_wsgi"',
    ],
)
def test_an_import_of_the_tooling_is_found(statement):
    settings = (ROOT / "asf_portal" / "settings.py").read_text()
    assert tooling_imports(settings) == []
    assert [name for _, name in tooling_imports(f"{settings}\n{statement}\n")] != []


def test_the_tooling_is_linted_with_the_site():
    ruff = Path(sys.executable).parent / "ruff"
    listed = subprocess.run(
        [ruff, "check", "--show-files", "."], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    linted = {Path(path).relative_to(ROOT) for path in listed}
    assert {path.relative_to(ROOT) for path in (ROOT / "tools").glob("*.py")} <= linted
    assert Path("tools/localdb.py") in linted
