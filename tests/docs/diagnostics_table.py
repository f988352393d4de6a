"""Checks that the diagnostics table of docs/language.md is compiler/base/diagnostics.def.

The table (the one whose header is `| tag | severity | message | reported when |`) must have one row
per NNC_DIAG row of the .def file, in the same order, with the same kind, severity and message
format (the "reported when" column is the writer's). Prints each difference and exits 1 if there is
any, so a new or reworded diagnostic cannot leave the table behind.

usage: diagnostics_table.py DIAGNOSTICS_DEF LANGUAGE_MD
"""
import re
import sys

HEADER = "| tag | severity | message | reported when |"
DEF_ROW = re.compile(r'^NNC_DIAG\((\w+), (\w+), "(.*)"\)\s*$')


def def_rows(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            match = DEF_ROW.match(line)
            if match:
                kind, severity, message = match.groups()
                rows.append((kind, severity.lower(), message.replace('\\"', '"')))
    return rows


def split_row(line):
    """The cells of a Markdown table row; `|` inside a code span does not split it."""
    cells, cell, in_code = [], "", False
    for ch in line.strip()[1:-1]:
        if ch == "`":
            in_code = not in_code
        if ch == "|" and not in_code:
            cells.append(cell.strip())
            cell = ""
        else:
            cell += ch
    cells.append(cell.strip())
    return cells


def doc_rows(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if HEADER not in lines:
        sys.exit(f"{path}: no table with the header `{HEADER}`")
    i = lines.index(HEADER) + 2
    rows = []
    while i < len(lines) and lines[i].startswith("|"):
        cells = split_row(lines[i])
        rows.append((i + 1, cells))
        i += 1
    return rows


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    expected = def_rows(sys.argv[1])
    found = doc_rows(sys.argv[2])
    problems = []
    doc_kinds = [cells[0].strip("`") for _, cells in found]
    for kind, severity, message in expected:
        if kind not in doc_kinds:
            problems.append(f"`{kind}` is missing from the table (message: {message})")
    for line, cells in found:
        kind = cells[0].strip("`")
        match = [row for row in expected if row[0] == kind]
        if not match:
            problems.append(f"line {line}: `{kind}` is not a row of diagnostics.def")
            continue
        _, severity, message = match[0]
        if len(cells) != 4:
            problems.append(f"line {line}: `{kind}`: expected 4 cells, found {len(cells)}")
            continue
        if cells[1] != severity:
            problems.append(f"line {line}: `{kind}`: severity `{cells[1]}`, the .def says "
                            f"`{severity}`")
        if cells[2] != message:
            problems.append(f"line {line}: `{kind}`: message\n    {cells[2]}\n  the .def says\n"
                            f"    {message}")
    order = [kind for kind, _, _ in expected if kind in doc_kinds]
    if not problems and order != doc_kinds:
        problems.append("the rows are not in the order of diagnostics.def: " + ", ".join(order))
    for problem in problems:
        print(f"{sys.argv[2]}: {problem}")
    print(f"{len(expected)} diagnostics, {len(found)} table rows, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
