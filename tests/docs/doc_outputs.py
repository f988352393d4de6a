"""Golden tests of the docs: every command output shown in a Markdown page is produced by running it.

usage: doc_outputs.py --nnc BUILD/bin/nnc [--root SRC] [--update | --list] [PAGE...]

The pages are README.md, docs/*.md, bench/README.md, examples/**/README.md and tests/**/README.md of
the source tree (or the PAGEs given, relative to it). tests/docs/README.md explains the conventions
for writers; in short, every code block of a page is one of three kinds:

1. A **console block**: a fenced block without an info string whose first line starts with `$ `.
   Each line that starts with `$ ` is a command (a line ending in `\\` continues on the next); the
   lines after it, up to the next command, are its expected output: standard output and standard
   error together, as a terminal shows them. The script runs the command with bash and compares.
2. A **listing**: a fenced block whose info string names its language (LISTING_LANGUAGES: `nnm`,
   `ebnf`, `c++`, `json`, `sh` for commands shown without their output, ...). A listing is not
   output and is not run, except that `file=NAME` writes it into the page's folder for later
   commands to read.
3. An **illustrative** block: any other block (a fenced `text` block, a table of messages, a
   synopsis, pseudocode), preceded by `<!-- doc-test: illustrative="why it is not run" -->`.

Anything else fails the test: a fenced block without an info string that is not a console block,
an indented (4-space) code block, or a `text` block without a reason. So new output cannot be added
without being tested, or without saying why not.

An HTML comment right before a block (blank lines between are allowed) gives its options, as
shell-quoted key=value words: `<!-- doc-test: exit=1 mask=seconds setup="cp a b" -->`.

  exit=N          every command of the block must exit with status N (default 0); exit=0,1 gives
                  one status per command, in order
  mask=A,B        apply these masks of MASKS (below) to the expected and the actual output
  rtol=R          numbers may differ by R, relatively (the rest of each line exactly as shown): for
                  the results of training, whose last digits depend on the CPU's vector width
  setup=CMD       run CMD (bash) before the block, in the page's folder; it must exit 0; its output
                  is not shown. May be given more than once
  stdin=FILE      the commands read FILE (relative to the page's folder; default: /dev/null)
  file=NAME       (listings) write the block's text to NAME in the page's folder
  needs=WHAT      skip the block (and say so) without WHAT: `numpy` (NumPy in /usr/bin/python3)
                  or a program on PATH (`dot`, Graphviz's, for `nnc graph --format svg`)
  illustrative=R  the block is not command output; R says why

**Sessions.** The blocks of a page run in order, as one shell session, in a fresh folder holding a
copy of examples/, a link `tests` to the source tree's tests/ (for the PyTorch fixtures), a link
`build` to the build folder, and the build's bin/ first on PATH, so `nnc` is the freshly built
compiler. A file one block writes (`nnc build examples/mlp.nnm -o mlp`, `./mlp init -o p.safetensors`)
is there for the blocks after it. The environment is LC_ALL=C, no terminal (so no progress bars), and
SRC set to the source tree for setup commands (`setup="cp $SRC/tests/docs/inputs/bad.nnm ."`).

**Comparison.** Lines are compared exactly after trailing whitespace is removed from each; masks
replace what varies from run to run by a placeholder on both sides. MASKS is the complete list; each
block opts into the masks it needs, so nothing else is ever hidden.

**Updating.** `--update` rewrites, in place, the output of every command whose output differs (after
masking) from what the page shows and whose exit status is the expected one; output that matches is
left as written, so a timing shown in a page does not change on every update. Everything else is
still checked and reported.
"""
import argparse
import concurrent.futures
import difflib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

# What varies from run to run, by name. Each entry: (regex, replacement). Keep the list short and
# each pattern narrow: anything masked is not tested.
MASKS = {
    # wall-clock seconds: "0.01 s", "1.21 s/epoch", "in 12.99 s"
    "seconds": (re.compile(r"\b\d+(\.\d+)? s\b"), "N s"),
    # bench's throughput line: "0.6462 ms per batch, 99,033 samples/s (1548 iterations, 2
    # threads)", or per step; the thread count is the machine's
    "throughput": (re.compile(r"[\d.]+ ms per (batch|step), [\d,]+ samples/s "
                              r"\(\d+ iterations, \d+ threads?\)"),
                   r"N ms per \1, N samples/s (N iterations, N threads)"),
    # the physical memory of the machine: "this machine's memory (23.5 GiB)"
    "memory": (re.compile(r"this machine's memory \([\d.]+ [KMGTPE]?i?B\)"),
               "this machine's memory (N GiB)"),
    # a process id in a temporary file name: "OUT.tmp.12345"
    "pid": (re.compile(r"\.tmp\.\d+"), ".tmp.PID"),
    # the timings of a --metrics record: "seconds":0.000417431, "samples_per_second":459956.25
    "json-seconds": (re.compile(r'"(seconds|eval_seconds|samples_per_second)":[-+0-9.eE]+'),
                     r'"\1":N'),
    # a double printed in full (JSON): compared on its first 4 decimals, because the last digits
    # of a trained value depend on the CPU's vector width (matmul sums are reassociated)
    "long-floats": (re.compile(r"(\d\.\d{4})\d{4,}"), r"\1..."),
}

# Info strings of listings: code and files, never output.
LISTING_LANGUAGES = {"nnm", "nnir", "ebnf", "c", "c++", "cpp", "json", "python", "sh", "cmake",
                     "markdown"}

PAGE_GLOBS = ["README.md", "docs/*.md", "bench/README.md", "examples/**/README.md",
              "tests/**/README.md"]

OPTION_KEYS = {"exit", "mask", "rtol", "setup", "stdin", "file", "needs", "illustrative"}

# A decimal number in output text: "0.8712", "4.376e-05", "-6.17", "2,400" is two numbers.
NUMBER = re.compile(r"[-+]?\d+(\.\d+)?([eE][-+]?\d+)?")

FENCE = re.compile(r"^( *)(`{3,}|~{3,})\s*(.*)$")
LIST_ITEM = re.compile(r"^( *)([-*+]|\d+[.)]) +")
COMMENT_START = re.compile(r"<!--\s*doc-test:?")


class PageError(Exception):
    pass


class Block:
    """A code block of a page: its lines (0-based start of the content), fence info and options."""

    def __init__(self, page, line, info, lines, indented, options):
        self.page = page
        self.line = line            # 0-based index of the first content line (the fence's 1-based)
        self.info = info
        self.lines = lines
        self.indented = indented
        self.options = options

    def where(self):
        return f"{self.page}:{self.line}"  # the fence line, 1-based, for fenced blocks


def parse_options(text, where):
    """The key=value words of a doc-test comment."""
    options = {"setup": []}
    try:
        words = shlex.split(text)
    except ValueError as e:
        raise PageError(f"{where}: cannot read the doc-test options: {e}")
    for word in words:
        key, eq, value = word.partition("=")
        if not eq or key not in OPTION_KEYS:
            raise PageError(f"{where}: unknown doc-test option `{word}`; the options are "
                            + ", ".join(sorted(OPTION_KEYS)))
        if key == "setup":
            options["setup"].append(value)
        else:
            options[key] = value
    for name in options.get("mask", "").split(","):
        if name and name not in MASKS:
            raise PageError(f"{where}: unknown mask `{name}`; the masks are "
                            + ", ".join(sorted(MASKS)))
    if "exit" in options and not all(x.isdigit() for x in options["exit"].split(",")):
        raise PageError(f"{where}: exit= takes a number or numbers separated by commas, "
                        f"not `{options['exit']}`")
    if "illustrative" in options and not options["illustrative"].strip():
        raise PageError(f"{where}: illustrative= needs a reason")
    return options


def comment_before(lines, index, page):
    """The options of a doc-test comment that ends just before line `index` (blank lines allowed)."""
    i = index - 1
    while i >= 0 and not lines[i].strip():
        i -= 1
    if i < 0 or not lines[i].rstrip().endswith("-->"):
        return None
    end = i
    while i >= 0 and "<!--" not in lines[i]:
        i -= 1
    if i < 0:
        return None
    text = "\n".join(lines[i:end + 1]).strip()
    match = COMMENT_START.match(text)
    if not match:
        return None
    return parse_options(text[match.end():-3], f"{page}:{i + 1}")


def find_blocks(page, lines):
    """Every fenced and indented code block of a page, with its options."""
    blocks = []
    i = 0
    previous_blank = True
    list_indent = None          # content indentation of the list we are in, if any
    in_comment = False
    while i < len(lines):
        line = lines[i]
        if in_comment:
            in_comment = "-->" not in line
            i += 1
            continue
        if line.lstrip().startswith("<!--") and "-->" not in line:
            in_comment = True
            i += 1
            continue
        fence = FENCE.match(line)
        if fence:
            indent, marker, info = len(fence.group(1)), fence.group(2), fence.group(3).strip()
            close = re.compile("^ *" + re.escape(marker[0]) + "{" + str(len(marker)) + r",}\s*$")
            j = i + 1
            while j < len(lines) and not close.match(lines[j]):
                j += 1
            if j == len(lines):
                raise PageError(f"{page}:{i + 1}: the code block is never closed")
            content = [l[indent:] if l[:indent].strip() == "" else l.lstrip()
                       for l in lines[i + 1:j]]
            blocks.append(Block(page, i + 1, info, content, False,
                                comment_before(lines, i, page)))
            i = j + 1
            previous_blank = False
            continue
        stripped = line.strip()
        width = len(line) - len(line.lstrip(" "))
        item = LIST_ITEM.match(line)
        if stripped and item:
            list_indent = len(item.group(0))
        elif stripped and list_indent is not None and width < list_indent and previous_blank:
            list_indent = None
        code_indent = (list_indent or 0) + 4
        if stripped and previous_blank and width >= code_indent and not stripped.startswith("|"):
            start = i
            content = []
            while i < len(lines) and (not lines[i].strip() or
                                      len(lines[i]) - len(lines[i].lstrip(" ")) >= code_indent):
                content.append(lines[i][code_indent:])
                i += 1
            while content and not content[-1].strip():
                content.pop()
            blocks.append(Block(page, start + 1, "", content, True,
                                comment_before(lines, start, page)))
            previous_blank = True
            continue
        previous_blank = not stripped
        i += 1
    return blocks


def classify(block):
    """'console', 'listing' or 'illustrative'; raises PageError for a block of no allowed kind."""
    options = block.options or {}
    if "illustrative" in options:
        return "illustrative"
    if block.indented:
        raise PageError(f"{block.where()}: an indented code block; use a fenced block: a console "
                        "block (```, first line `$ command`), a listing (```nnm, ```sh, ...), or "
                        "mark it <!-- doc-test: illustrative=\"why\" -->")
    if block.info:
        language = block.info.split()[0]
        if language in LISTING_LANGUAGES:
            return "listing"
        raise PageError(f"{block.where()}: a ```{language} block is neither a listing (languages: "
                        + ", ".join(sorted(LISTING_LANGUAGES)) + ") nor marked <!-- doc-test: "
                        "illustrative=\"why\" -->")
    if block.lines and block.lines[0].startswith("$ "):
        return "console"
    raise PageError(f"{block.where()}: a block without a language that does not start with "
                    "`$ command`: make it a console block, give it a language, or mark it "
                    "<!-- doc-test: illustrative=\"why\" -->")


def commands_of(block):
    """[(command, first output line index, end index)] of a console block."""
    result = []
    i = 0
    lines = block.lines
    while i < len(lines):
        if not lines[i].startswith("$ "):
            raise PageError(f"{block.where()}: output before the first command")
        command = lines[i][2:]
        while command.endswith("\\") and i + 1 < len(lines):
            i += 1
            command = command[:-1] + "\n" + lines[i]
        i += 1
        start = i
        while i < len(lines) and not lines[i].startswith("$ "):
            i += 1
        result.append((command, start, i))
    return result


def masked(lines, masks):
    out = []
    for line in lines:
        line = line.rstrip()
        for name in masks:
            pattern, replacement = MASKS[name]
            line = pattern.sub(replacement, line)
        out.append(line)
    return out


def same_within(expected, actual, rtol):
    """True when the lines are equal except for numbers that differ by at most rtol, relatively.

    The text between the numbers must be equal, and so must the count of numbers."""
    if len(expected) != len(actual):
        return False
    for want, got in zip(expected, actual):
        if NUMBER.sub("#", want) != NUMBER.sub("#", got):
            return False
        for a, b in zip(NUMBER.finditer(want), NUMBER.finditer(got)):
            x, y = float(a.group()), float(b.group())
            if abs(x - y) > rtol * max(abs(x), abs(y)):
                return False
    return True


class Session:
    """One page's scratch folder and environment."""

    def __init__(self, root, nnc, scratch):
        self.root = root
        self.dir = scratch
        bin_dir = os.path.dirname(os.path.abspath(nnc))
        shutil.copytree(os.path.join(root, "examples"), os.path.join(scratch, "examples"))
        os.symlink(os.path.join(root, "tests"), os.path.join(scratch, "tests"))
        os.symlink(os.path.dirname(bin_dir), os.path.join(scratch, "build"))
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("NNC_STDLIB", "NNC_RUNTIME_DIR", "NNC_CXX")}
        self.env.update({"PATH": bin_dir + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin"),
                         "LC_ALL": "C", "SRC": root, "COLUMNS": "80"})

    def run(self, command, stdin=None):
        stdin_file = open(os.path.join(self.dir, stdin) if stdin else os.devnull, "rb")
        with stdin_file:
            try:
                done = subprocess.run(["bash", "-c", command], cwd=self.dir, env=self.env,
                                      stdin=stdin_file, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, timeout=300)
            except subprocess.TimeoutExpired:
                return 124, ["(timed out after 300 s)"]
        text = done.stdout.decode("utf-8", errors="replace")
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return done.returncode, lines


def have_numpy():
    return subprocess.run(["/usr/bin/python3", "-c", "import numpy"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0


def missing_need(need, numpy_ok):
    """Why a block's `needs=` is not met here, or None."""
    if not need:
        return None
    if need == "numpy":
        return None if numpy_ok else "needs NumPy in /usr/bin/python3"
    return None if shutil.which(need) else f"needs `{need}` on PATH"


def check_page(root, page, nnc, update, numpy_ok):
    """Runs a page's console blocks; returns (failures, new lines or None, counts)."""
    path = os.path.join(root, page)
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    blocks = find_blocks(page, lines)
    failures = []
    counts = {"console": 0, "commands": 0, "listing": 0, "illustrative": 0, "skipped": 0}
    kinds = []
    for block in blocks:
        try:
            kinds.append(classify(block))
            counts[kinds[-1]] += 1
        except PageError as e:
            failures.append(str(e))
            kinds.append("invalid")
    if counts["console"] == 0 and not any(b.options and "file" in b.options for b in blocks):
        return failures, None, counts
    replacements = []           # (first line, end line, new lines) in page coordinates
    with tempfile.TemporaryDirectory(prefix="nnc-doc-") as scratch:
        session = Session(root, nnc, scratch)
        for block, kind in zip(blocks, kinds):
            options = block.options or {"setup": []}
            missing = missing_need(options.get("needs"), numpy_ok)
            if missing:
                counts["skipped"] += 1
                print(f"{block.where()}: skipped: {missing}")
                continue
            for setup in options["setup"]:
                status, output = session.run(setup)
                if status != 0:
                    failures.append(f"{block.where()}: setup `{setup}` exited {status}:\n"
                                    + "\n".join(output))
            if kind == "listing" and "file" in options:
                with open(os.path.join(scratch, options["file"]), "w", encoding="utf-8") as f:
                    f.write("\n".join(block.lines) + "\n")
            if kind != "console":
                continue
            masks = [m for m in options.get("mask", "").split(",") if m]
            rtol = None
            if "rtol" in options:
                try:
                    rtol = float(options["rtol"])
                except ValueError:
                    rtol = -1.0
                if not 0 < rtol < 1:
                    failures.append(f"{block.where()}: rtol={options['rtol']} is not a number "
                                    "between 0 and 1")
                    continue
            commands = commands_of(block)
            statuses = [int(x) for x in options.get("exit", "0").split(",")]
            if len(statuses) == 1:
                statuses *= len(commands)
            if len(statuses) != len(commands):
                failures.append(f"{block.where()}: exit= gives {len(statuses)} statuses for "
                                f"{len(commands)} commands")
                continue
            for (command, start, end), expected_status in zip(commands, statuses):
                counts["commands"] += 1
                status, output = session.run(command, options.get("stdin"))
                expected = block.lines[start:end]
                if status != expected_status:
                    failures.append(f"{block.where()}: `{command}` exited {status}, the page "
                                    f"expects {expected_status}; its output:\n" + "\n".join(output))
                if masked(expected, masks) == masked(output, masks):
                    continue
                if rtol is not None and same_within(masked(expected, masks),
                                                    masked(output, masks), rtol):
                    continue
                if update and status == expected_status:
                    replacements.append((block.line + start, block.line + end,
                                         [l.rstrip() for l in output]))
                    continue
                diff = difflib.unified_diff(masked(expected, masks), masked(output, masks),
                                            "page", "actual", lineterm="", n=2)
                failures.append(f"{block.where()}: the output of `{command}` differs from the "
                                "page:\n" + "\n".join(diff))
    new_lines = None
    if replacements:
        new_lines = list(lines)
        for first, end, output in sorted(replacements, reverse=True):
            new_lines[first:end] = output
    return failures, new_lines, counts


def pages_under(root):
    import glob
    found = []
    for pattern in PAGE_GLOBS:
        for path in sorted(glob.glob(os.path.join(root, pattern), recursive=True)):
            rel = os.path.relpath(path, root)
            if rel not in found:
                found.append(rel)
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nnc", required=True, help="the built nnc (BUILD/bin/nnc)")
    parser.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))), help="the source tree (default: this script's)")
    parser.add_argument("--update", action="store_true",
                        help="rewrite outputs that differ from the real ones")
    parser.add_argument("--list", action="store_true", help="print every block and its kind")
    parser.add_argument("pages", nargs="*", help="pages to check (default: all)")
    args = parser.parse_args()
    root = os.path.abspath(args.root)
    nnc = os.path.abspath(args.nnc)
    if not os.access(nnc, os.X_OK):
        sys.exit(f"doc_outputs.py: {nnc} is not an executable")
    pages = args.pages or pages_under(root)
    numpy_ok = have_numpy()
    failures = []
    totals = {}
    if args.list:
        for page in pages:
            try:
                with open(os.path.join(root, page), encoding="utf-8") as f:
                    for block in find_blocks(page, f.read().split("\n")):
                        try:
                            kind = classify(block)
                        except PageError:
                            kind = "INVALID"
                        print(f"{block.where()}: {kind} {block.info}")
            except PageError as e:
                failures.append(str(e))
        for failure in failures:
            print("FAIL " + failure + "\n")
        return 1 if failures else 0

    # Pages are independent sessions: run them side by side, report them in order.
    def run(page):
        try:
            return check_page(root, page, nnc, args.update, numpy_ok)
        except PageError as e:
            return [str(e)], None, {}

    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = list(pool.map(run, pages))
    for page, (page_failures, new_lines, counts) in zip(pages, results):
        for key, value in counts.items():
            totals[key] = totals.get(key, 0) + value
        failures.extend(page_failures)
        if new_lines is not None:
            with open(os.path.join(root, page), "w", encoding="utf-8") as f:
                f.write("\n".join(new_lines))
            print(f"updated {page}")
    for failure in failures:
        print("FAIL " + failure + "\n")
    print(f"{len(pages)} pages: {totals.get('console', 0)} console blocks "
          f"({totals.get('commands', 0)} commands), {totals.get('listing', 0)} listings, "
          f"{totals.get('illustrative', 0)} illustrative blocks, {totals.get('skipped', 0)} "
          f"skipped; {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
