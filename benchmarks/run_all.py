"""Run every benchmark in this folder, one after another, and print where results went.

Each ``bench_*.py`` writes ``results/<name>.json`` and ``results/<name>.md``; this script
collects the Markdown tables into ``results/SUMMARY.md``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failed = []
    for bench in sorted(HERE.glob("bench_*.py")):
        print(f"== {bench.name}", flush=True)
        if subprocess.call([sys.executable, str(bench)], cwd=HERE.parent) != 0:
            failed.append(bench.name)
    parts = [
        p.read_text(encoding="utf-8")
        for p in sorted((HERE / "results").glob("*.md"))
        if p.name != "SUMMARY.md"
    ]
    (HERE / "results" / "SUMMARY.md").write_text("\n\n".join(parts), encoding="utf-8")
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
