"""Collect every ``Simplification:`` note in kubetui/ into the README's "How faithful is it" list.

Run: python scripts/simplifications.py          # print the list
     python scripts/simplifications.py --write  # rewrite the list between the README's markers

tests/test_quality.py checks that the README's list is what this prints, so it cannot fall behind the code.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "kubetui"
README = ROOT / "README.md"
BEGIN = "<!-- simplifications:begin (scripts/simplifications.py --write) -->"
END = "<!-- simplifications:end -->"
MARK = "Simplification:"
_SENTENCE_END = re.compile(r"[.)]\s*$|\.\s|\"\"\"")


def _note(lines: list[str], index: int) -> str:
    """The note that starts on ``lines[index]``, with the comment or docstring lines that continue it."""
    first = lines[index]
    comment = first.lstrip().startswith("#") or "# " + MARK in first
    text = first[first.index(MARK) + len(MARK) :].strip()
    following = index + 1
    while not _ends(text) and following < len(lines):
        line = lines[following].strip()
        if comment:
            if not line.startswith("#"):
                break
            line = line.lstrip("#").strip()
        if not line or line.startswith(('"""', "*", "-")) or MARK in line:
            break
        text = f"{text} {line}"
        following += 1
    text = text.replace('"""', "").strip()
    return text if text.endswith((".", ")")) else text + "."


def _ends(text: str) -> bool:
    return text.endswith((".", '"""')) or '"""' in text


def collect() -> list[tuple[str, str]]:
    """(module path, note) for every note, in path order."""
    notes: list[tuple[str, str]] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for index, line in enumerate(lines):
            if MARK in line and not line.strip().startswith(("MARK", "BEGIN")):
                notes.append((path.relative_to(ROOT).as_posix(), _note(lines, index)))
    return notes


def render() -> str:
    rows = [f"- `{module}`: {note}" for module, note in collect()]
    return "\n".join([BEGIN, *rows, END])


def readme_block(text: str) -> str:
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < 0:
        return ""
    return text[start : end + len(END)]


def main(argv: list[str]) -> int:
    block = render()
    if "--write" not in argv:
        print(block)
        return 0
    text = README.read_text(encoding="utf-8")
    current = readme_block(text)
    if not current:
        print(f"README.md has no {BEGIN!r} ... {END!r} markers", file=sys.stderr)
        return 1
    README.write_text(text.replace(current, block), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
