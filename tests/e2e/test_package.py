"""`pip install .` gives a working `comptoir`: the wheel built from a copy of the source, installed in a fresh
virtual environment, plays the demo (catalogs included) and migrates a database (migrations included), run from
outside the source tree.

To stay fast the new environment reuses the test environment's installed dependencies (a .pth line naming its
site-packages, so that nothing is downloaded) and installs the wheel alone (--no-deps): ~15 s, most of it
building the wheel in pip's isolated build environment, as `pip install .` does."""

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP = shutil.ignore_patterns(".venv", ".git", "__pycache__", ".pytest_cache", ".hypothesis", "build", "dist",
                              "*.egg-info", "*.sqlite3*", "config.toml")


def run(*command, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run([str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, f"{command}: {done.stdout}\n{done.stderr}"
    return done


def test_the_built_wheel_installs_a_working_comptoir_outside_the_source_tree(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=SKIP)
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", tmp_path / "dist", source,
        cwd=tmp_path)
    [wheel] = (tmp_path / "dist").glob("comptoir-*.whl")

    fresh = tmp_path / "fresh"
    venv.EnvBuilder(with_pip=False).create(fresh)
    python = fresh / "bin" / "python"
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path)
                .stdout.strip())
    (site / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--quiet", wheel, cwd=tmp_path)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPTOIR_", "PYTHON"))}
    where = run(python, "-c", "import bots, core, storage; print(bots.__file__, core.__file__, storage.__file__)",
                cwd=elsewhere, env=env).stdout
    assert all(path.startswith(str(site)) for path in where.split()), where  # the wheel's, not the source's

    comptoir = fresh / "bin" / "comptoir"
    assert run(comptoir, "--version", cwd=elsewhere, env=env).stdout.strip() == f"comptoir {version('comptoir')}"
    demo = run(comptoir, "demo", "--lang", "fr", cwd=elsewhere, env=env)
    assert "Démo de Comptoir" in demo.stdout and "Versé à Ana\u00a0: 765,00\xa0€" in demo.stdout  # the French catalog
    (elsewhere / "config.toml").write_text('database_url = "sqlite+aiosqlite:///desk.sqlite3"\n')
    run(comptoir, "migrate", "--config", "config.toml", cwd=elsewhere, env=env)
    assert (elsewhere / "desk.sqlite3").stat().st_size > 0  # the migrations came with the package
