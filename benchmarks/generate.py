"""A deterministic synthetic register: the reference initiatives copied N times over.

Each copy gets its own id (`<id>-0001`, …) and its iteration links are renamed alongside, so
every generated register is valid and links stay mutual (a link into a copy that N cuts
short is left out). Usage:

    python benchmarks/generate.py OUT_FOLDER N
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[1] / "initiatives"
_LINK = re.compile(r"^(\s*(?:previous_iteration|next_iteration):\s*)([a-z0-9-]+)\s*$", re.M)


def generate(out: Path, count: int) -> list[Path]:
    sources = sorted(REFERENCE.glob("*.yaml"))
    texts = [(p.stem, p.read_text(encoding="utf-8")) for p in sources]
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for n in range(count):
        stem, text = texts[n % len(texts)]
        suffix = f"-{n // len(texts):04d}"
        renamed = _LINK.sub(lambda m, s=suffix: f"{m.group(1)}{m.group(2)}{s}", text)
        path = out / f"{stem}{suffix}.yaml"
        path.write_text(renamed, encoding="utf-8")
        written.append(path)
    # The last, partial copy may link to an iteration that was not generated: drop the link.
    ids = {path.stem for path in written}
    for path in written[-len(texts) :]:
        text = path.read_text(encoding="utf-8")
        kept = _LINK.sub(lambda m: m.group(0) if m.group(2) in ids else "", text)
        if kept != text:
            path.write_text(kept, encoding="utf-8")
    return written


if __name__ == "__main__":
    generate(Path(sys.argv[1]), int(sys.argv[2]))
