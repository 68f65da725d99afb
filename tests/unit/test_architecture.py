"""Dependencies point one way: bots -> storage -> core; core imports the standard library only. Each package
declares its public modules, nothing reaches for a private name, packages form no loop, adapters keep away from
storage, and docs/architecture.md names only code that exists (it says why: the layers and their rules)."""

import ast
import functools
import graphlib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORKS = {"sqlalchemy": "storage", "alembic": "storage", "aiosqlite": "storage", "asyncpg": "storage",
              "telegram": "bots", "discord": "bots", "apscheduler": "bots"}


def imports(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                yield path, node.lineno, [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                yield path, node.lineno, [node.module]


def test_core_imports_nothing_outside_the_standard_library():
    bad = [f"{p.name}:{n} {m}" for p, n, mods in imports("core") for m in mods
           if m.split(".")[0] not in sys.stdlib_module_names and m.split(".")[0] != "core"]
    assert bad == []


def test_core_never_imports_storage_or_bots_and_storage_never_imports_bots():
    for package, forbidden in (("core", {"storage", "bots"}), ("storage", {"bots"})):
        bad = [f"{p.name}:{n} {m}" for p, n, mods in imports(package) for m in mods if m.split(".")[0] in forbidden]
        assert bad == [], package


def test_each_framework_is_imported_in_one_package_only():
    for package in ("core", "storage", "bots"):
        for path, line, mods in imports(package):
            for m in mods:
                home = FRAMEWORKS.get(m.split(".")[0])
                assert home in (None, package), f"{path.relative_to(ROOT)}:{line} imports {m}"



def test_discord_modals_are_sent_only_unkept():
    """discord.py keeps a modal it sends and answers its submit; ours are rebuilt on submit instead (so they
    survive a restart: bots.discord.modals), and one sent another way would be answered twice."""
    sends = [f"{path.name}:{node.lineno}" for path in sorted((ROOT / "bots" / "discord").glob("*.py"))
             for node in ast.walk(ast.parse(path.read_text(), str(path)))
             if isinstance(node, ast.Attribute) and node.attr == "send_modal"]
    assert [s.split(":")[0] for s in sends] == ["modals.py"], sends  # modals.open_unkept


# --- packages: their public surface, the private names, the cycles, the adapters ---------------------------------

PACKAGES = ("core", "storage", "bots", "bots.command", "bots.telegram", "bots.discord", "sim", "bench")
# the code that is not tests: tests may reach into any module (a unit test pins a module's internals)
APPLICATION = ("core", "storage", "bots", "sim", "bench", "tools")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


SOURCES = {module_name(p): p for top in APPLICATION for p in sorted((ROOT / top).rglob("*.py"))}


def package_of(module: str) -> str | None:
    """The innermost of PACKAGES a module belongs to (bots.telegram.app: bots.telegram)."""
    found = [p for p in PACKAGES if module == p or module.startswith(p + ".")]
    return max(found, key=len) if found else None


@functools.cache
def parsed(module: str) -> ast.Module:
    return ast.parse(SOURCES[module].read_text(), str(SOURCES[module]))


@functools.cache
def imported(module: str) -> tuple[tuple[int, str, str | None], ...]:
    return tuple(_imports(module))


def _imports(module: str):
    """(line, module imported, name taken from it or None) for every import in a module, lazy ones included; a
    name that is itself a module (`from core import engine`) is that module."""
    path = SOURCES[module]
    here = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    for node in ast.walk(parsed(module)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, None
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(here[:len(here) - node.level + 1] + ([node.module] if node.module else [])) \
                if node.level else node.module
            for alias in node.names:
                whole = f"{base}.{alias.name}"
                yield (node.lineno, whole, None) if whole in SOURCES else (node.lineno, base, alias.name)


def crossings():
    """Every import from one package into another: (importer, line, imported module, name, its package)."""
    for module in SOURCES:
        home = package_of(module)
        for line, target, name in imported(module):
            there = package_of(target)
            if there is not None and there != home:
                yield module, line, target, name, there


def declared_surface(package: str) -> list[str]:
    """The package's `__all__`, read from its __init__.py without importing it."""
    path = ROOT / package.replace(".", "/") / "__init__.py"
    assert path.exists(), f"{package} has no __init__.py"
    for node in ast.parse(path.read_text(), str(path)).body:
        targets = (node.targets if isinstance(node, ast.Assign) else
                   [node.target] if isinstance(node, ast.AnnAssign) else [])
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            return list(ast.literal_eval(node.value))
    raise AssertionError(f"{package}/__init__.py declares no __all__")


def test_every_package_declares_its_public_modules_in_all_and_each_exists():
    for package in PACKAGES:
        surface = declared_surface(package)
        assert len(surface) == len(set(surface)) and surface == sorted(surface), package
        missing = [name for name in surface if f"{package}.{name}" not in SOURCES]
        assert missing == [], f"{package}.__all__ names no module: {missing}"


def test_other_packages_import_only_what_a_package_declares_public():
    surfaces = {package: set(declared_surface(package)) for package in PACKAGES}
    undeclared = sorted(f"{SOURCES[m].relative_to(ROOT)}:{line} imports {target}" + (f".{name}" if name else "")
                        for m, line, target, name, there in crossings()
                        if (target[len(there) + 1:].split(".")[0] or name) not in surfaces[there])
    assert undeclared == [], "add the module to its package's __all__ if it is meant to be used from outside"


def test_nothing_outside_a_package_imports_a_private_name_from_it():
    private = sorted(f"{SOURCES[m].relative_to(ROOT)}:{line} imports {target}" + (f".{name}" if name else "")
                     for m, line, target, name, there in crossings()
                     if any(part.startswith("_") and not part.startswith("__")
                            for part in target[len(there) + 1:].split(".") + [name or ""]))
    assert private == []


def test_nothing_outside_a_package_reads_a_private_name_through_a_module_it_imported():
    """`from core import engine` then `engine._check(...)` is the same reach past the surface."""
    found = []
    for module, path in SOURCES.items():
        home = package_of(module)
        tree = parsed(module)
        names = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for alias in node.names:
                    target = alias.name if isinstance(node, ast.Import) else f"{node.module}.{alias.name}"
                    if target in SOURCES and package_of(target) not in (None, home):
                        names[alias.asname or alias.name.split(".")[0]] = target
        found += [f"{path.relative_to(ROOT)}:{node.lineno} {node.value.id}.{node.attr}" for node in ast.walk(tree)
                  if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in names
                  and node.attr.startswith("_") and not node.attr.startswith("__")]
    assert found == []


# The adapters import `bots`' shared modules and the runtime; what starts them (bots.command.run) and checks the
# Discord invite (bots.command.doctor) is a package of its own that nothing imports back: no loop is left. Kept, empty,
# so that a loop cannot come back unnoticed (the test fails when a listed import no longer closes a loop).
KNOWN_LOOPS: set[tuple[str, str]] = set()


def package_graph(leave_out=frozenset()) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {package: set() for package in PACKAGES}
    for module, _, _, _, there in crossings():
        if (module, there) not in leave_out and package_of(module) is not None:
            graph[package_of(module)].add(there)
    return graph


def loop_through(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of the graph as its packages in order, or None."""
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as error:
        return error.args[1]
    return None


def test_no_import_loop_between_packages_besides_the_known_ones_which_may_only_shrink():
    assert loop_through(package_graph(KNOWN_LOOPS)) is None, "a new import loop between packages"
    for module, package in sorted(KNOWN_LOOPS):
        assert loop_through(package_graph(KNOWN_LOOPS - {(module, package)})) is not None, \
            f"{module} -> {package} no longer closes a loop: take it off KNOWN_LOOPS"


# Adapters translate; the person, the order and the conversation come to them from core's services, never from
# storage. Today's offenders, which may only shrink (the test fails when a listed module no longer offends, so
# that the list stays true): bots/telegram/moderation.py types a moderator as storage.accounts.Account.
ADAPTERS_STILL_IMPORTING_STORAGE: set[str] = set()


def test_adapters_import_neither_storage_nor_sqlalchemy_besides_the_listed_modules_which_may_only_shrink():
    offending = {module for module in SOURCES if package_of(module) in ("bots.telegram", "bots.discord")
                 for _, target, _ in imported(module) if target.split(".")[0] in ("storage", "sqlalchemy")}
    assert offending - ADAPTERS_STILL_IMPORTING_STORAGE == set(), "an adapter imports storage or SQLAlchemy"
    assert ADAPTERS_STILL_IMPORTING_STORAGE - offending == set(), \
        "no longer imports storage or SQLAlchemy: take it off ADAPTERS_STILL_IMPORTING_STORAGE"


# A unit of work is opened by core's use cases (handed their factory by the composition root, which opens none
# itself) and by storage: nothing in `bots`, adapters or not, opens one. Today's exception, which may only shrink
# (the test fails when it no longer opens one): the demo, which casts its people and offers and reads the books.
BOTS_STILL_OPENING_UNITS_OF_WORK = {"bots.demo"}
OPENERS = {"unit_of_work", "uow", "SqlUnitOfWork"}


def opens_a_unit_of_work(module: str) -> bool:
    """Whether this module calls something named like a unit of work's factory (`store.unit_of_work()`, `uow()`)."""
    return any(isinstance(node, ast.Call) and (node.func.attr if isinstance(node.func, ast.Attribute) else
                                               getattr(node.func, "id", None)) in OPENERS
               for node in ast.walk(parsed(module)))


def test_nothing_in_bots_opens_a_unit_of_work_besides_the_listed_modules_which_may_only_shrink():
    opening = {module for module in SOURCES if (package_of(module) or "").startswith("bots")
               and opens_a_unit_of_work(module)}
    assert opening - BOTS_STILL_OPENING_UNITS_OF_WORK == set(), "bots opens a unit of work: ask core's use cases"
    assert BOTS_STILL_OPENING_UNITS_OF_WORK - opening == set(), \
        "no longer opens a unit of work: take it off BOTS_STILL_OPENING_UNITS_OF_WORK"


def test_every_hop_the_architecture_page_names_exists_in_the_code():
    """docs/architecture.md walks a press and a deadline as `file.py:function` hops: when the code moves, the
    walks must move with it."""
    named = set(re.findall(r"`([\w/]+\.py):([\w.]+)", (ROOT / "docs" / "architecture.md").read_text()))
    assert len(named) > 30
    missing = []
    for file, name in sorted(named):
        path = ROOT / file
        if not path.exists():
            missing.append(f"{file}:{name}")
            continue
        scope: list[ast.stmt] = ast.parse(path.read_text(), str(path)).body
        for part in name.split("."):
            found = next((node for node in scope if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef
                                                                | ast.ClassDef) and node.name == part
                          or isinstance(node, ast.Assign | ast.AnnAssign) and part in
                          {t.id for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
                           if isinstance(t, ast.Name)}), None)
            if found is None:
                missing.append(f"{file}:{name}")
                break
            scope = found.body if isinstance(found, ast.ClassDef) else []
    assert missing == [], "docs/architecture.md names what the code no longer has"
