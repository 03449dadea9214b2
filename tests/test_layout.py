"""The site's layout: its packages hold only the site (none of their modules imports the tooling
in tools/), and imports run one way, regions <- projects <- the site's pages in asf_portal."""

import ast
import io
import re
import subprocess
import sys
import tokenize
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


def imported_modules(source):
    """(line, module) for every module a source imports, by name or from."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.append((node.lineno, node.module))
            # `from projects import models` imports projects.models
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def imports_of(packages, forbidden, root=ROOT):
    """`path:line: module` for each import, in the packages' modules, of a forbidden module or
    anything inside it."""
    return [
        f"{path.relative_to(root)}:{line}: {name}"
        for package in packages
        for path in sorted((root / package).rglob("*.py"))
        for line, name in imported_modules(path.read_text())
        if any(name == module or name.startswith(f"{module}.") for module in forbidden)
    ]


def test_regions_import_nothing_of_projects():
    assert imports_of(["regions"], ["projects"]) == []


def test_the_apps_import_neither_the_site_pages_nor_its_urls():
    assert imports_of(["regions", "projects"], ["asf_portal.views", "asf_portal.urls"]) == []


@pytest.mark.parametrize(
    "statement",
    [
        "import projects.models",
        "from projects.models import Contact",
        "from projects import statistics",
        "from asf_portal import views",
        "from asf_portal.urls import urlpatterns",
    ],
)
def test_an_import_against_the_layers_is_found(statement, tmp_path):
    module = tmp_path / "regions" / "management" / "commands" / "command.py"
    module.parent.mkdir(parents=True)
    module.write_text(f"from django.db import models\n{statement}\n")
    found = imports_of(["regions"], ["projects", "asf_portal.views", "asf_portal.urls"], tmp_path)
    assert found
    assert all(line.startswith("regions/management/commands/command.py:2: ") for line in found)
    assert imports_of(["regions"], ["asf_portal.caching"], tmp_path) == []


def test_the_site_pages_build_on_both_apps():
    """The other way round is the layout: the site's pages may import both apps."""
    site = {name for _, name in imported_modules((ROOT / "asf_portal/views.py").read_text())}
    assert {"projects.models", "regions.models"} <= site


def code_lines(source):
    """How many lines of a module hold code: not blank, not only a comment, not part of a
    docstring (the count issue 17 sets a limit on)."""
    docstrings = set()
    kinds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, kinds) and ast.get_docstring(node, clean=False) is not None:
            docstrings.update(range(node.body[0].lineno, node.body[0].end_lineno + 1))
    layout = {tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
    lines = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in {tokenize.COMMENT, *layout}:
            lines.update(range(token.start[0], token.end[0] + 1))
    return len(lines - docstrings)


def site_code():
    """The site's own code: its modules without the migrations and management commands."""
    return [
        path
        for path in site_modules()
        if not {"migrations", "management"} & set(path.relative_to(ROOT).parts)
    ]


def test_code_lines_counts_code_only():
    source = '''"""A module's docstring,
over two lines."""

# A comment.
import os  # a comment after code

TEXT = """a string that is no docstring,
over two lines"""


def f(x):
    """A function's docstring."""

    return [
        x,  # each line of a statement counts
    ]
'''
    # import, TEXT's two lines, def, return and its two further lines
    assert code_lines(source) == 7


def test_no_module_of_the_site_is_over_400_lines():
    # As `wc -l` counts them; migrations are generated, not read as code.
    modules = [path for path in site_modules() if "migrations" not in path.parts]
    lengths = {str(path.relative_to(ROOT)): path.read_bytes().count(b"\n") for path in modules}
    assert {path: length for path, length in lengths.items() if length > 400} == {}
    assert lengths["projects/models.py"] > 0
