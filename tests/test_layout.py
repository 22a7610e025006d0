"""The execution layer as a maintainer reads it: each module the package's map names exists and
imports, and no module of docs/_ext imports another in a cycle (function-level imports included)."""

from __future__ import annotations

import ast
import importlib
import re

from conftest import ROOT

EXT = ROOT / "docs" / "_ext"


def local_imports(path) -> set[str]:
    """The docs/_ext modules that the module at ``path`` imports, anywhere in its code."""
    package = path.parent.name if path.parent != EXT else ""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module is None:
                found |= {f"{package}.{alias.name}" for alias in node.names}
            elif node.level == 1:
                found.add(f"{package}.{node.module}")
            elif node.module:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def modules() -> dict[str, set[str]]:
    paths = [*EXT.glob("*.py"), *EXT.glob("*/*.py")]
    names = {(p.stem if p.parent == EXT else f"{p.parent.name}.{p.stem}"): p for p in paths}
    graph = {}
    for name, path in names.items():
        package = name.rpartition(".")[0]
        imported = set()
        for target in local_imports(path):
            for candidate in (target, f"{package}.{target}" if package else target):
                if candidate in names and candidate != name:
                    imported.add(candidate)
        graph[name] = imported
    return graph


def test_no_module_of_the_extensions_imports_another_in_a_cycle():
    graph = modules()
    state: dict[str, str] = {}

    def visit(name, path):
        state[name] = "open"
        for target in sorted(graph[name]):
            if state.get(target) == "open":
                raise AssertionError(" -> ".join([*path, name, target]))
            if target not in state:
                visit(target, [*path, name])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


def test_the_package_map_names_modules_that_exist_and_import():
    text = importlib.import_module("snippetexec").__doc__
    named = set(re.findall(r"\b(sphinx_ext|runner|contain|sandbox_init|observe|events|recorder|"
                           r"tracing|calls|hostfiles|schedule)\b", text))
    package = EXT / "snippetexec"
    on_disk = ({p.stem for p in package.glob("*.py")} - {"__init__"}) | {
        p.parent.name for p in package.glob("*/__init__.py")}
    assert named == on_disk, "the map in snippetexec/__init__.py and the files differ"
    for name in named:
        importlib.import_module(f"snippetexec.{name}")


def test_the_map_of_the_extensions_names_every_module_once_and_conf_loads_them():
    """editions.py's docstring maps docs/_ext, one line per module or package: it names each one
    on disk, once, and every one it names (but the scripts of ``make bench`` and ``make html``)
    is an extension conf.py loads."""
    text = importlib.import_module("editions").__doc__
    named = re.findall(r"^ {4}(\w+)(?:\.py|/) ", text, re.MULTILINE)
    on_disk = {p.stem for p in EXT.glob("*.py")}
    on_disk |= {p.parent.name for p in EXT.glob("*/__init__.py")}
    assert sorted(named) == sorted(on_disk), "the map in editions.py and the files differ"
    conf = ast.parse((ROOT / "conf.py").read_text(encoding="utf-8"))
    extensions = next(ast.literal_eval(node.value) for node in conf.body
                      if isinstance(node, ast.Assign) and node.targets[0].id == "extensions")
    loaded = {name.split(".")[0] for name in extensions}
    scripts = {"bench", "build_editions"}
    assert set(named) - scripts <= loaded, "a module of the map is not in conf.py's extensions"
    for name in named:
        importlib.import_module(name)


def test_the_recorders_map_names_its_modules():
    recorder = importlib.import_module("snippetexec.recorder")
    listed = re.search(r"Modules, by what they record:\n\n(.*?)\n\n", recorder.__doc__, re.S)
    named = {line.split()[0] for line in listed.group(1).splitlines()}
    on_disk = {p.stem for p in (EXT / "snippetexec" / "recorder").glob("*.py")} - {"__init__"}
    assert named == on_disk, "the map in recorder/__init__.py and the files differ"
    for name in named:
        importlib.import_module(f"snippetexec.recorder.{name}")


def test_no_function_of_the_extensions_is_over_80_lines():
    long = []
    for path in [*EXT.glob("*.py"), *EXT.glob("*/*.py"), *EXT.glob("*/*/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if node.end_lineno - node.lineno + 1 > 80:
                    long.append(f"{path.name}:{node.lineno} {node.name}")
    assert not long, long


def test_pages_are_made_again_when_the_code_of_the_extensions_changes(tmp_path):
    """Sphinx reads every page again when an extension's env_version changes: page_html's is a
    digest of every file of docs/_ext, so editing any of them changes it."""
    import shutil

    page_html = importlib.import_module("page_html")
    copy = tmp_path / "_ext"
    shutil.copytree(EXT, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert page_html.code_version(copy) == page_html.code_version()
    deep = copy / "snippetexec" / "recorder" / "writer.py"
    deep.write_text(deep.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert page_html.code_version(copy) != page_html.code_version()


def _ends_with_exit(body) -> bool:
    """A child's code that ends its process whatever happens: a try whose finally (or whose
    handler of every exception) calls os._exit, or nothing but an os._exit call."""
    def exits(stmts):
        return any(isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "_exit"
                   for s in stmts for n in ast.walk(s))
    if len(body) == 1 and isinstance(body[0], ast.Expr) and exits(body):
        return True
    return any(isinstance(s, ast.Try) and (exits(s.finalbody) or any(
        exits(h.body) and (h.type is None or getattr(h.type, "id", "") == "BaseException")
        for h in s.handlers)) for s in body)


def _fork_children(tree):
    """The `if pid == 0:` (or `if not pid:`) blocks right after `pid = os.fork()`."""
    for parent in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            forked: set[str] = set()
            stmts = getattr(parent, field, None)
            for st in stmts if isinstance(stmts, list) else []:
                if isinstance(st, ast.If) and forked:
                    names = {n.id for n in ast.walk(st.test) if isinstance(n, ast.Name)}
                    test = st.test
                    is_zero = (isinstance(test, ast.Compare) and isinstance(test.ops[0], ast.Eq)
                               and getattr(test.comparators[0], "value", None) == 0)
                    is_not = isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
                    if names & forked and (is_zero or is_not):
                        yield st
                forked = set()
                if (isinstance(st, ast.Assign) and isinstance(st.value, ast.Call)
                        and getattr(st.value.func, "attr", "") == "fork"):
                    forked = {n.id for t in st.targets for n in ast.walk(t)
                              if isinstance(n, ast.Name)}


def test_every_forked_child_ends_with_os_exit_whatever_happens():
    """A forked child that raises, or returns, must not go on into its parent's code (a second
    copy of the parent's output, its cleanup run twice): its code sits in a try whose finally
    calls os._exit, as in every chapter's examples."""
    loose = []
    for path in sorted((ROOT / "snippets").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        children = list(_fork_children(tree))
        loose += [f"{path.relative_to(ROOT)}:{c.lineno}" for c in children
                  if not _ends_with_exit(c.body)]
    assert not loose, loose
