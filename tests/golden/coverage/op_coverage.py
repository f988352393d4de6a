"""Checks that every op of compiler/ir/ops.def has what an op needs, so that adding a row cannot
leave a part out unnoticed:

  emitter         emit<Name> in compiler/codegen/cpu/scalar_emitters.cpp
  vjp             vjp<Name> in compiler/autodiff/vjp_rules.cpp
  reference       ref<Name> in compiler/ir/scalar_reference.cpp
  gradient check  `= <mnemonic> ` in the op list of tests/unit/compiler/test_autodiff.cpp
  golden test     `= <mnemonic> ` (or `<mnemonic> "` for a leaf) on a CHECK line under tests/golden

The first three also fail the build when missing (a switch over ops.def calls each); the text
check here names them all at once. Prints the count, and each gap; exits 1 if there is any gap or
if an exemption is stale.

usage: op_coverage.py SOURCE_ROOT
"""
import os
import re
import sys

# (op name, part): why the op does not need it. Remove an entry once the part exists.
EXEMPT = {
    ("Input", "gradient check"): "a leaf: its gradient is the seed itself",
    ("Param", "gradient check"): "a leaf: its gradient is the seed itself",
    ("Const", "gradient check"): "a leaf: constants have no gradient",
}

OP = re.compile(r'^NNC_OP\((\w+),\s*"([\w.]+)"')
CHECK = re.compile(r"\b[A-Z][A-Z0-9_-]*(-NEXT|-SAME|-DAG|-NOT|-LABEL|-EMPTY)?:")


def read(root, path):
    with open(os.path.join(root, path), encoding="utf-8") as f:
        return f.read()


def golden_check_lines(root):
    lines = []
    for folder, _, files in os.walk(os.path.join(root, "tests", "golden")):
        for name in files:
            if name.endswith((".test", ".nnm", ".nnir")):
                with open(os.path.join(folder, name), encoding="utf-8") as f:
                    lines += [line for line in f if CHECK.search(line)]
    return "".join(lines)


def main():
    root = sys.argv[1]
    ops = [m.groups() for line in read(root, "compiler/ir/ops.def").splitlines()
           if (m := OP.match(line))]
    emitters = read(root, "compiler/codegen/cpu/scalar_emitters.cpp")
    vjps = read(root, "compiler/autodiff/vjp_rules.cpp")
    refs = read(root, "compiler/ir/scalar_reference.cpp")
    grads = read(root, "tests/unit/compiler/test_autodiff.cpp")
    golden = golden_check_lines(root)

    def defines(text, prefix, name):
        # `Value *emitAdd(`, or a line of a macro that defines it: `UNUSED_LEAF(Input)`.
        return re.search(r"\b%s%s\(" % (prefix, name), text) or \
            re.search(r"^[A-Z_]+\(%s\)$" % name, text, re.M)

    # The gradient check's op list: the cases of its first TEST_CASE, up to the list's end.
    start = grads.index("every op's VJP matches central differences")
    grads = grads[start:grads.index("};", start)]

    parts = {
        "emitter": lambda name, mn: defines(emitters, "emit", name),
        "vjp": lambda name, mn: defines(vjps, "vjp", name),
        "reference": lambda name, mn: defines(refs, "ref", name),
        "gradient check": lambda name, mn: ("= %s " % mn) in grads,
        "golden test": lambda name, mn: ("= %s " % mn) in golden or ('%s "' % mn) in golden,
    }
    gaps, used = [], set()
    for name, mnemonic in ops:
        for part, present in parts.items():
            if (name, part) in EXEMPT:
                used.add((name, part))
                if present(name, mnemonic):
                    gaps.append(f"{name}: {part} is exempt but now exists; remove the exemption")
            elif not present(name, mnemonic):
                gaps.append(f"{name} (`{mnemonic}`): no {part}")
    for key in sorted(set(EXEMPT) - used):
        gaps.append(f"{key[0]}: the exemption for {key[1]} names no op of ops.def")
    print(f"{len(ops)} ops, {len(parts)} parts each, {len(gaps)} gaps, {len(EXEMPT)} exempt")
    for gap in gaps:
        print(gap)
    return 1 if gaps else 0


if __name__ == "__main__":
    sys.exit(main())
