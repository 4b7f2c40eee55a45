"""Rules of the code's shape that import-linter cannot see (its contracts are in pyproject.toml):
private names stay in their module, the ledger's rows are written by the ledger alone, and no
import hides inside a function."""

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
APPS = ("loyalty", "members", "rewards", "referrals", "engagement")
LEDGER_MODELS = {"PointsAccount", "PointsEntry", "PointsLot", "LotAllocation"}
WRITES = {"create", "bulk_create", "update", "bulk_update", "delete", "get_or_create"}
# The ledger, and the set-based expiry that writes whole batches of entries and lots in SQL.
LEDGER_WRITERS = {"loyalty/services/ledger.py", "loyalty/services/expiry.py"}
# Imports that must wait for Django's app registry (AppConfig.ready) are not hiding a cycle.
READY_HOOKS = {"loyalty/apps.py", "engagement/apps.py", "members/apps.py", "loyalty/celery.py"}


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or "/settings/" in relative:
                continue
            yield relative, ast.parse(path.read_text(), filename=relative)


MODULES = list(_modules())


def test_the_tree_is_read():
    assert len(MODULES) > 100


def test_no_module_imports_another_modules_private_name():
    offenders = [
        f"{path}:{node.lineno} imports {alias.name} from {node.module}"
        for path, tree in MODULES
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    ]
    assert offenders == []


def _writes_ledger_rows(node: ast.AST) -> str | None:
    """`PointsEntry.objects....create(...)` and the like: the model written, else None."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return None
    if node.func.attr not in WRITES:
        return None
    target = node.func.value
    while isinstance(target, ast.Call | ast.Attribute):
        target = target.func if isinstance(target, ast.Call) else target.value
    if isinstance(target, ast.Name) and target.id in LEDGER_MODELS:
        return target.id
    return None


def test_only_the_ledger_writes_ledger_rows():
    offenders = [
        f"{path}:{node.lineno} writes {model}"
        for path, tree in MODULES
        if path not in LEDGER_WRITERS
        for node in ast.walk(tree)
        if (model := _writes_ledger_rows(node))
    ]
    assert offenders == []


def test_no_import_of_the_project_hides_inside_a_function():
    offenders = []
    for path, tree in MODULES:
        if path in READY_HOOKS:
            continue
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in APPS:
                    offenders.append(f"{path}:{node.lineno} imports {node.module}")
    assert offenders == []


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("PointsEntry.objects.create(points=1)", "PointsEntry"),
        ("PointsLot.objects.filter(pk=1).update(remaining=0)", "PointsLot"),
        ("Purchase.objects.create()", None),
        ("PointsLot.objects.filter(pk=1).first()", None),
    ],
)
def test_the_ledger_write_finder_sees_writes(source, found):
    assert _writes_ledger_rows(ast.parse(source).body[0].value) == found


MAX_LINES = 500


def test_no_module_grows_past_the_size_where_it_becomes_a_package():
    """DESIGN.md: a module past ~500 lines is split into a package (migrations, settings and
    tests aside)."""
    sizes = {path: len((ROOT / path).read_text().splitlines()) for path, _tree in MODULES}
    sizes |= {
        path.relative_to(ROOT).as_posix(): len(path.read_text().splitlines())
        for path in sorted((ROOT / "bench").rglob("*.py"))
    }
    assert {path: lines for path, lines in sizes.items() if lines > MAX_LINES} == {}
