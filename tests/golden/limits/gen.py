"""Writes .nnm sources that stress the front end's limits, for the golden tests of this folder.

usage: gen.py KIND N
  parens N   `return ((...(x)...))` with N brackets
  calls N    `return relu(relu(...(x)...))` with N calls
  blocks N   N nested `if true { ... }` blocks
  lists N    `y = [[...[1]...]]` with N brackets
  sum N      `return x * 0.5 + x * 1.5 + ...` with N terms (flat)
  neg N      `return ---...-x` with N minus signs (flat)
  not N      `if not not ... true { ... }` with N `not`s (flat)
  dotT N     `return x.T.T...` with N transposes (flat)
  deeprec N  a function whose body nests N calls deep around a call of itself, 60 times over
"""
import sys


def module(body, shape="[B, 4]", result="[B, 4]"):
    return ("module M {\n"
            f"    forward(x: {shape}) -> {result} {{\n"
            f"{body}\n"
            "    }\n"
            "}\n"
            "model M()\n")


def main():
    kind, n = sys.argv[1], int(sys.argv[2])
    if kind == "parens":
        src = module("        return " + "(" * n + "x" + ")" * n)
    elif kind == "calls":
        src = module("        return " + "relu(" * n + "x" + ")" * n)
    elif kind == "blocks":
        src = module("        " + "if true { " * n + "return x" + " }" * n)
    elif kind == "lists":
        src = module("        y = " + "[" * n + "1" + "]" * n + "\n        return x")
    elif kind == "sum":
        src = module("        return " + " + ".join(f"x * {i}.5" for i in range(n)))
    elif kind == "neg":
        src = module("        return " + "-" * n + "x")
    elif kind == "not":
        src = module("        if " + "not " * n + "false { return x }\n        return -x")
    elif kind == "dotT":
        src = module("        return x" + ".T" * n, shape="[4, 4]", result="[4, 4]")
    elif kind == "deeprec":
        src = ("fn f(x, n: int) {\n    if n == 0 { return x }\n    return " + "relu(" * n +
               "f(x, n - 1)" + ")" * n + "\n}\n" + module("        return f(x, 60)"))
    else:
        sys.exit(f"unknown kind {kind}")
    sys.stdout.write(src)


if __name__ == "__main__":
    main()
