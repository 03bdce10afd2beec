"""Read a notebook's code without running it: what grading needs to know of its exercises,
and what of a student's code a teacher should look at.

* ``exercise_specs(nb)``: per autograded test cell of a source notebook, its source, the
  student's names it passes to the check, and the course functions that answer it;
* ``analyse_code(...)``: which exercises a submission answers with the course's own code
  (they score zero) and review notes on suspicious code (signals, /proc, patched modules,
  IPython transformers, files written outside the working folder).

Only ``ast`` reads the code: nothing of the student's runs here.
"""

from __future__ import annotations

import ast

import nbformat

# Calls a teacher may want to read before trusting a grade (the review column).
_SUSPICIOUS = {
    "os.kill": "sends signals", "os.killpg": "sends signals", "signal": "uses signals",
    "sys.modules": "reaches into loaded modules", "importlib": "imports dynamically",
    "__import__": "imports dynamically", "get_ipython": "drives IPython itself",
    "input_transformers": "rewrites later cells", "set_custom_exc": "hides exceptions",
    "ctypes": "calls C code", "subprocess": "starts programs", "os.system": "starts programs",
    "os.fork": "starts processes", "multiprocessing": "starts processes",
    "builtins": "changes built-in functions", "sys._getframe": "inspects the caller",
    "inspect.currentframe": "inspects the caller", "gc.get_objects": "walks every object",
    "__class__": "changes an object's class", "__globals__": "reaches a function's globals",
    "__code__": "swaps a function's code",
}
# Built-in functions worth a look when the student's code calls them by name.
_BUILTINS = {"exec": "runs code from a string", "eval": "runs code from a string",
             "compile": "compiles code from a string", "__import__": "imports dynamically",
             "setattr": "changes attributes dynamically", "globals": "changes globals",
             "get_ipython": "drives IPython itself"}
_FILE_CALLS = {"open", "write_text", "write_bytes", "remove", "unlink", "rmtree", "rename",
               "replace", "move", "copy", "copyfile", "makedirs", "mkdir", "symlink",
               "truncate", "chmod", "save", "savez", "savetxt"}
_DELETES = {"remove", "unlink", "rmtree", "rmdir", "chmod", "truncate"}


def _is_solution(cell) -> bool:
    return bool(cell.metadata.get("nbgrader", {}).get("solution"))


def _imports(tree: ast.AST, aliases: dict[str, str]) -> None:
    """Add the names that ``tree``'s imports and plain aliases bind to ``aliases``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    root = alias.name.split(".")[0]
                    aliases[root] = root
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif (isinstance(node, ast.Assign) and len(node.targets) == 1
              and isinstance(node.targets[0], ast.Name)):
            target = _dotted(node.value, aliases)
            if target:
                aliases[node.targets[0].id] = target


def _dotted(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """``a.b.c`` for a name or attribute chain whose root is a known alias."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and node.id in aliases:
        return ".".join([aliases[node.id], *reversed(parts)])
    return None


def _parse(source: str) -> ast.AST | None:
    """A cell's syntax tree; IPython magics and shell lines are blanked out first."""
    lines = ["" if line.lstrip().startswith(("%", "!")) else line
             for line in source.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except (SyntaxError, ValueError):
        return None


def exercise_specs(nb: nbformat.NotebookNode) -> dict:
    """What grading needs to know of a source notebook's autograded cells.

    ``imports``: the import statements of the notebook's own cells (the namespace in which
    the judge runs the test cells); ``tests``: per autograded test cell its grade_id,
    points, source (hidden tests included), the student's names it passes to the check
    (names bound in solution cells), and the course functions that answer it (each
    check module's ``REFERENCES``, plus whatever a check module does not list in
    ``__all__``).
    """
    from nbgrader import utils

    from helpers.trace import names_in

    import_lines, bound, aliases = [], set(), {}
    for cell in nb.cells:
        if cell.cell_type != "code" or utils.is_grade(cell):
            continue
        tree = _parse(cell.source)
        if tree is None:
            continue
        if _is_solution(cell):
            for node in tree.body:
                if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
                    bound.add(node.name)
                elif isinstance(node, ast.Assign):
                    bound |= {t.id for t in node.targets if isinstance(t, ast.Name)}
            continue
        import_lines += [node for node in tree.body
                         if isinstance(node, (ast.Import, ast.ImportFrom))]
        _imports(tree, aliases)
    tests = []
    for cell in nb.cells:
        if not (utils.is_grade(cell) and cell.cell_type == "code" and not _is_solution(cell)):
            continue
        tree = _parse(cell.source)
        forbidden = set()
        for node in ast.walk(tree) if tree else []:
            if isinstance(node, ast.Call):
                target = _dotted(node.func, aliases) or ""
                module_name, _, check_name = target.rpartition(".")
                if module_name.startswith("helpers.checks."):
                    module = __import__(module_name, fromlist=["REFERENCES"])
                    forbidden |= set(getattr(module, "REFERENCES", {}).get(check_name, ()))
        tests.append({"grade_id": cell.metadata.nbgrader["grade_id"],
                      "points": float(cell.metadata.nbgrader["points"]),
                      "source": cell.source,
                      "names": sorted(names_in(cell.source) & bound),
                      "forbidden": sorted(forbidden)})
    # Only the imports the test cells use: the judge need not load TensorFlow for a check
    # of numpy functions.
    used = set().union(*(names_in(t["source"]) for t in tests)) if tests else set()
    needed = [ast.unparse(node) for node in import_lines if _bound_names(node) & used
              or any((a.asname or a.name) in used for a in node.names)]
    return {"imports": "\n".join(dict.fromkeys(needed)), "tests": tests}


def _private_check_name(path: str) -> bool:
    """``helpers.checks.neuron._reference``: a check module's name outside its ``__all__``."""
    parts = path.split(".")
    if len(parts) < 4 or parts[:2] != ["helpers", "checks"]:
        return False
    try:
        module = __import__(".".join(parts[:3]), fromlist=["__all__"])
    except ImportError:
        return False
    return parts[3] not in getattr(module, "__all__", ())


def analyse_code(all_code: list[str], written: list[str], tests: list[dict]
                 ) -> tuple[dict[str, str], list[str]]:
    """Read (never run) the student's code: (grade_id -> why it scores zero, review notes).

    ``all_code`` is every code cell in order (for the imports), ``written`` the cells the
    student wrote or changed. An exercise scores zero when the student's definition of one
    of its names (with the student's own functions it calls) refers to a course function
    that answers it, or to a check module's own reference code; a name imported straight
    from the course counts too.
    """
    aliases: dict[str, str] = {}
    for source in all_code:
        tree = _parse(source)
        if tree is not None:
            _imports(tree, aliases)
    definitions: dict[str, list[ast.AST]] = {}
    review: dict[str, None] = {}
    for source in written:
        tree = _parse(source)
        if tree is None:
            continue
        for node in tree.body:
            for name in _bound_names(node):
                definitions.setdefault(name, []).append(node)
        for node in ast.walk(tree):
            for note in _suspicious(node, aliases):
                review[note] = None
    zero = {}
    for test in tests:
        hits = []
        for name in _reachable(test["names"], definitions):
            if name in aliases and not any(name in _bound_names(n) and
                                           not isinstance(n, (ast.Import, ast.ImportFrom))
                                           for n in definitions.get(name, [])):
                hits.append(aliases[name])
            for node in definitions.get(name, []):
                hits += [p for p in (_dotted(n, aliases) for n in ast.walk(node)
                                     if isinstance(n, (ast.Attribute, ast.Name))) if p]
        bad = sorted({p for p in hits
                      if any(p == f or p.startswith(f + ".") for f in test["forbidden"])
                      or _private_check_name(p)})
        if bad:
            zero[test["grade_id"]] = (f"uses the course's own answer {bad[0]}: the exercise "
                                      "asks for your code")
    return zero, list(review)


def _bound_names(node: ast.AST) -> set[str]:
    """The global names a top-level statement binds."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return {t.id for t in targets if isinstance(t, ast.Name)}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in node.names}
    return set()


def _writing(call: ast.Call) -> bool:
    """Whether an ``open`` call's mode (given as a literal) writes."""
    modes = [kw.value for kw in call.keywords if kw.arg == "mode"] + call.args[1:2]
    return any(isinstance(m, ast.Constant) and isinstance(m.value, str)
               and set(m.value) & set("wax+") for m in modes)


def _reachable(names: list[str], definitions: dict[str, list[ast.AST]]) -> set[str]:
    """``names`` and the student's own global names their definitions use, transitively."""
    seen, stack = set(), list(names)
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        for node in definitions.get(name, []):
            stack += [n.id for n in ast.walk(node) if isinstance(n, ast.Name)
                      and n.id in definitions and n.id not in seen]
    return seen


def _suspicious(node: ast.AST, aliases: dict[str, str]) -> list[str]:
    """Review notes for one syntax node of the student's code."""
    notes = []
    if isinstance(node, ast.Name) and node.id in _BUILTINS:
        notes.append(f"{node.id} ({_BUILTINS[node.id]})")
    elif isinstance(node, ast.Attribute):
        tokens = {node.attr, _dotted(node, aliases) or ""}
        for key, why in _SUSPICIOUS.items():
            if any(t.startswith(key) or t.endswith("." + key) or f".{key}." in t
                   for t in tokens if t):
                notes.append(f"{key} ({why})")
    elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
            and node.value.startswith("/proc"):
        notes.append("/proc (reads other processes)")
    elif isinstance(node, (ast.Assign, ast.AugAssign, ast.Delete)):
        targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
        for target in targets:
            owner = _dotted(target.value, aliases) if isinstance(target, ast.Attribute) else None
            if owner:
                notes.append(f"patches {owner} (changes a module the course or the checks use)")
    elif isinstance(node, ast.FunctionDef) and node.name in ("__eq__", "__ne__", "__bool__"):
        notes.append(f"{node.name} (defines its own comparison)")
    elif isinstance(node, ast.Call):
        name = node.func.attr if isinstance(node.func, ast.Attribute) else \
            getattr(node.func, "id", "")
        first = node.args[0] if node.args else None
        literal = isinstance(first, ast.Constant) and isinstance(first.value, str)
        if name in _FILE_CALLS and literal and (first.value.startswith(("/", "~"))
                                                or ".." in first.value):
            notes.append(f"{name}({first.value!r}) (a file outside its working folder)")
        elif name in _DELETES and not literal:
            notes.append(f"{name}() on a computed path (deletes or changes files)")
        elif name == "open" and not literal and _writing(node):
            notes.append("open() for writing on a computed path (check where it writes)")
    return notes
