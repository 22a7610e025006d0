"""Find the code blocks of a MyST page, and the snippets its ``exec_code`` blocks show."""

from __future__ import annotations

import dataclasses
import re

_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*(\S*)(.*)$")
CODE_DIRECTIVES = ("{exec_code}", "{code-block}", "{code}", "{literalinclude}", "{sourcecode}")
_OPTION = re.compile(r"^\s*:([\w-]+):\s*(.*?)\s*$")


@dataclasses.dataclass
class Block:
    line: int  # 1-based line of the opening fence
    info: str  # what follows the fence: "{exec_code}", "python", "{note}", ""
    options: dict[str, str]

    @property
    def is_exec(self) -> bool:
        return self.info == "{exec_code}"

    @property
    def filename(self) -> str | None:
        return self.options.get("filename")

    @property
    def timeout(self) -> float | None:
        value = self.options.get("timeout")
        return float(value) if value else None


def blocks(text: str) -> list[Block]:
    """Every fenced block of a page, including those nested in directives such as notes."""
    found = []
    lines = text.splitlines()
    closers: list[str] = []  # closing fences of the directives we are inside
    i = 0
    while i < len(lines):
        if closers and lines[i].strip() == closers[-1]:
            closers.pop()
            i += 1
            continue
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        marker, info = m.group(2), m.group(3)
        if info.startswith("{") and info not in CODE_DIRECTIVES:
            closers.append(marker)  # a directive with a body of text: look inside it
            found.append(Block(i + 1, info, {}))
            i += 1
            continue
        j = i + 1
        options = {}
        while j < len(lines) and lines[j].strip() != marker:
            opt = _OPTION.match(lines[j])
            if opt and not any(lines[k].strip() == "" for k in range(i + 1, j)):
                options[opt.group(1)] = opt.group(2)
            j += 1
        found.append(Block(i + 1, info, options))
        i = j + 1
    return found


def code_blocks(text: str) -> list[Block]:
    """The blocks that show code or output (not directives such as notes)."""
    return [b for b in blocks(text) if not b.info.startswith("{") or b.info in CODE_DIRECTIVES]


def exec_blocks(text: str) -> list[Block]:
    return [b for b in blocks(text) if b.is_exec]
