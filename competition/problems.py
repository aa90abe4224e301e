"""What is wrong with a file or a form, said where it is: file, line, field.

Loaders and imports collect every problem before writing anything, then
raise `InvalidData`; the CLI prints the list and exits non-zero, the admin
pages show it beside the rows, and the database stays as it was.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", dòng {self.line}"
        if self.field:
            where += f", trường «{self.field}»"
        return f"{where}: {self.message}"


class InvalidData(Exception):
    """One or more problems; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
