"""Run every ``benchmarks/bench_*.py`` in turn with the repo venv's python (``make bench``).

Usage::

    .venv/bin/python benchmarks/run_all.py [--skip-peer] [--only NAME[,NAME]] [--list]

Each script's output goes to the terminal and to ``benchmarks/results/<name>.txt``
(git-ignored). Exits non-zero when any script failed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _peer import HERE, repo_python

RESULTS = HERE / "results"


def scripts() -> list[Path]:
    """The benchmark scripts present, sorted by name."""
    return sorted(HERE.glob("bench_*.py"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--skip-peer", action="store_true", help="pass --skip-peer to the scripts that take it"
    )
    parser.add_argument("--only", default="", help="comma list of names, e.g. bench_rfm")
    parser.add_argument("--list", action="store_true", help="list the scripts and stop")
    args = parser.parse_args(argv)
    found = scripts()
    if args.only:
        wanted = {name.strip().removesuffix(".py") for name in args.only.split(",")}
        found = [path for path in found if path.stem in wanted]
    if args.list or not found:
        for path in found:
            print(path.name)
        if not found:
            print("no benchmark scripts matched", file=sys.stderr)
            return 1
        return 0
    python = repo_python()
    RESULTS.mkdir(exist_ok=True)
    failed: list[str] = []
    for path in found:
        # Only scripts that know the flag get it: every script must still run bare.
        knows = "--skip-peer" in path.read_text(encoding="utf-8")
        cmd = [python, str(path), *(["--skip-peer"] if args.skip_peer and knows else [])]
        print(f"=== {path.name} ({' '.join(Path(c).name for c in cmd)})", flush=True)
        start = time.perf_counter()
        lines: list[str] = []
        with subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=HERE.parent
        ) as proc:
            assert proc.stdout is not None
            for line in proc.stdout:
                print(line, end="", flush=True)
                lines.append(line)
        (RESULTS / f"{path.stem}.txt").write_text("".join(lines), encoding="utf-8")
        elapsed = time.perf_counter() - start
        status = "ok" if proc.returncode == 0 else f"FAILED (exit {proc.returncode})"
        print(f"=== {path.name}: {status} in {elapsed:.0f} s\n", flush=True)
        if proc.returncode != 0:
            failed.append(path.name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
