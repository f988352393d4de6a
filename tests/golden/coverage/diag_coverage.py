"""Checks that every diagnostic kind of compiler/base/diagnostics.def is exercised by a golden test.

A kind counts as exercised when some CHECK line (any prefix, any CHECK directive) of a test under
tests/golden names its `[Tag]`. Prints the kinds that are not, and exits 1 if any is missing or if
an exemption is stale (the kind is now tested, or no longer in the table).

usage: diag_coverage.py DIAGNOSTICS_DEF GOLDEN_DIR
"""
import os
import re
import sys

# Kinds that no source file can trigger today. Each needs a reason; remove it once it is tested.
EXEMPT = {
}

TEST_SUFFIXES = (".nnm", ".nnir", ".test")


def kinds_in(def_path):
    pattern = re.compile(r"^NNC_DIAG\((\w+),")
    with open(def_path) as f:
        return [m.group(1) for line in f if (m := pattern.match(line))]


def tags_checked(golden_dir):
    check = re.compile(r"\b[A-Z][A-Z0-9_-]*(-NEXT|-SAME|-DAG|-NOT|-LABEL|-EMPTY)?:")
    tag = re.compile(r"\[(\w+)\]")
    found = set()
    for root, _, files in os.walk(golden_dir):
        for name in files:
            if not name.endswith(TEST_SUFFIXES):
                continue
            with open(os.path.join(root, name)) as f:
                for line in f:
                    if check.search(line) and "-NOT:" not in line:
                        found.update(tag.findall(line))
    return found


def main():
    def_path, golden_dir = sys.argv[1], sys.argv[2]
    kinds = kinds_in(def_path)
    tested = tags_checked(golden_dir)
    missing = [k for k in kinds if k not in tested and k not in EXEMPT]
    stale = [k for k in EXEMPT if k in tested or k not in kinds]
    print(f"{len(kinds)} diagnostic kinds, {len(kinds) - len(missing) - len(EXEMPT)} tested, "
          f"{len(EXEMPT)} exempt")
    for k in missing:
        print(f"not exercised by any golden test: {k}")
    for k in stale:
        print(f"stale exemption (tested now, or gone from the table): {k}")
    return 1 if missing or stale else 0


if __name__ == "__main__":
    sys.exit(main())
