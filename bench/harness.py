#!/usr/bin/python3
"""The benchmark harness: nnc against PyTorch on this machine, in one run (bench/run.sh calls it).

usage: /usr/bin/python3 bench/harness.py --nnc BUILD/bin/nnc [--out DIR] [--rounds R]
           [--seconds S] [--only NAME,...]

For each workload it alternates, round after round, nnc's in-process timer (`model bench
[--train]`, the median of single iterations) with PyTorch (bench/torch_workloads.py, eager and
TorchScript, the same kind of median) in three thread configurations:

  1 thread     torch.set_num_threads(1) and OPENBLAS_NUM_THREADS=1 (the setting alone does not
               limit OpenBLAS's pool)
  2 threads    PyTorch's default (2 threads, OpenBLAS's default pool), and 1 PyTorch thread with
               OPENBLAS_NUM_THREADS=2; the faster of the two counts, as PyTorch's best

and nnc the same way with `--threads 1` and `--threads 2` (its own pool; the results are the same
bits at both). The `_hooked` workloads register a hook that does nothing on every module on both
sides: nnc then runs its hooked variant (`bench --hooked`), PyTorch its eager modules with hooks. Each figure is the median over the rounds; the spread is (max - min) / median over the rounds of
the figure that the ratio uses. A ratio is PyTorch time / nnc time: above 1, nnc is faster.
GFLOP/s count the matrix products only (2 m n k per product; a training step does the forward
products, the weight gradients, and the input gradients of every layer but the first), and the
fraction of peak divides by the FMA peak that bench/fma_peak.cpp measures on this machine.

It refuses to report when the PyTorch process's BLAS is not OpenBLAS (Debian's default
libblas.so.3 is the reference BLAS, against which every ratio would flatter nnc), and it clears
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE so that OpenBLAS picks its kernel as a user's would; the
kernel it picked (OPENBLAS_VERBOSE=2) is reported.

Then, unless --only or --no-demo is given: the README demo (10 Fashion-MNIST epochs of
examples/mlp.nnm with per-epoch test evaluation) against the same loop in PyTorch
(bench/torch_train.py --eval), wall time and test accuracy; `nnc build` time of every example and
of a 10,000-op chain; the executable's start-up time and peak memory.

Writes DIR/results.json and DIR/results.md (default DIR: bench/results) and prints the Markdown.
"""
import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PYTHON = "/usr/bin/python3"

# Linear layers (in, out) of each model, for the FLOP count.
MLP_LAYERS = [(784, 256), (256, 128), (128, 10)]
RESIDUAL_LAYERS = [(128, 128)] * 8
WIDE_LAYERS = [(1024, 4096), (4096, 4096), (4096, 1024)]


def linear_flops(layers, batch, train):
    """Matrix-product FLOPs of one forward pass, or of one training step."""
    flops = 0
    for i, (n_in, n_out) in enumerate(layers):
        product = 2 * batch * n_in * n_out
        flops += product
        if train:
            flops += product              # weight gradient
            if i > 0:
                flops += product          # input gradient (not needed for the first layer)
    return flops


class Workload:
    def __init__(self, name, title, source, torch_name, batch, train, flops, model_line=None,
                 hooked=False):
        self.name, self.title, self.source = name, title, source
        self.torch_name, self.batch, self.train, self.flops = torch_name, batch, train, flops
        self.model_line = model_line  # replaces the source's `model ...` line (matmul sizes)
        # A hook that does nothing on every module (forward, and full backward in training), on
        # both sides: nnc's hooked variant (`bench --hooked`) against PyTorch's eager hooks.
        self.hooked = hooked


def workloads():
    result = [
        Workload("mlp_infer_b1", "seed MLP 784-256-128-10, inference, batch 1",
                 "examples/mlp.nnm", "mlp_infer", 1, False, linear_flops(MLP_LAYERS, 1, False)),
        Workload("mlp_infer_b256", "seed MLP, inference, batch 256",
                 "examples/mlp.nnm", "mlp_infer", 256, False, linear_flops(MLP_LAYERS, 256, False)),
        Workload("residual_infer_b256", "4 residual blocks of width 128, inference, batch 256",
                 "examples/residual.nnm", "residual_infer", 256, False,
                 linear_flops(RESIDUAL_LAYERS, 256, False)),
        Workload("mlp_train_b64", "seed MLP, training step (SGD momentum), batch 64",
                 "bench/models/mlp_sgd.nnm", "mlp_train", 64, True,
                 linear_flops(MLP_LAYERS, 64, True)),
        Workload("mlp_train_b256", "seed MLP, training step (SGD momentum), batch 256",
                 "bench/models/mlp_sgd.nnm", "mlp_train", 256, True,
                 linear_flops(MLP_LAYERS, 256, True)),
        Workload("residual_train_b256", "residual blocks, training step (MSE, SGD), batch 256",
                 "bench/models/residual_mse.nnm", "residual_train", 256, True,
                 linear_flops(RESIDUAL_LAYERS, 256, True)),
        Workload("wide_train_b512", "wide MLP 1024-4096-4096-1024, training step, batch 512",
                 "bench/models/wide_mlp.nnm", "wide_train", 512, True,
                 linear_flops(WIDE_LAYERS, 512, True)),
        Workload("mlp_infer_b64_hooked", "seed MLP, inference, batch 64, a hook on every module",
                 "examples/mlp.nnm", "mlp_infer", 64, False, linear_flops(MLP_LAYERS, 64, False),
                 hooked=True),
        Workload("mlp_train_b64_hooked",
                 "seed MLP, training step, batch 64, forward and backward hooks on every module",
                 "bench/models/mlp_sgd.nnm", "mlp_train", 64, True,
                 linear_flops(MLP_LAYERS, 64, True), hooked=True),
    ]
    for n in (256, 512, 1024, 2048):
        result.append(Workload(f"matmul_{n}", f"matrix product {n} x {n} x {n}",
                               "bench/models/matmul.nnm", "sgemm", n, False, 2 * n ** 3,
                               model_line=f"model MatMul(n: {n})"))
    return result


def run_json(cmd, env=None):
    """Runs cmd and parses the last line of its standard output as JSON."""
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"harness: `{' '.join(cmd)}` failed ({proc.returncode}):\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def torch_env(openblas_threads):
    env = dict(os.environ)
    for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS",
                "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.pop(key, None)
    if openblas_threads:
        env["OPENBLAS_NUM_THREADS"] = str(openblas_threads)
    return env


# PyTorch's thread configurations: (label, torch.set_num_threads or 0, OPENBLAS_NUM_THREADS or 0).
TORCH_CONFIGS = [("1t", 1, 1), ("2t-default", 0, 0), ("2t-1+2", 1, 2)]


def check_blas():
    """The BLAS PyTorch maps and the OpenBLAS kernel; exits unless it is OpenBLAS."""
    probe = run_json([PYTHON, os.path.join(HERE, "torch_workloads.py"), "mlp_infer", "--batch", "4",
                      "--seconds", "0", "--min-iters", "1"], torch_env(0))
    blas = probe["blas"]
    if not any("openblas" in path for path in blas):
        raise SystemExit("harness: PyTorch's BLAS here is not OpenBLAS (" + ", ".join(blas) +
                         "); a ratio against the reference BLAS is not a result. Install "
                         "libopenblas0-pthread (bench/run.sh does) and run again.")
    env = torch_env(0)
    env["OPENBLAS_VERBOSE"] = "2"
    proc = subprocess.run([PYTHON, "-c", "import ctypes; ctypes.CDLL('libblas.so.3')"],
                          capture_output=True, text=True, env=env)
    match = re.search(r"Core:\s*(\S+)", proc.stdout + proc.stderr)
    return blas, match.group(1) if match else "unknown"


def fma_peak(work):
    """GFLOP/s of one core, and of all cores at once, from bench/fma_peak.cpp."""
    exe = os.path.join(work, "fma_peak")
    subprocess.run(["g++", "-O2", "-march=native", "-o", exe, os.path.join(HERE, "fma_peak.cpp")],
                   check=True)
    one = run_json([exe, "1"])["gflops"]
    cores = os.cpu_count() or 1
    procs = [subprocess.Popen([exe, "1"], stdout=subprocess.PIPE, text=True) for _ in range(cores)]
    total = sum(json.loads(p.communicate()[0])["gflops"] for p in procs)
    return one, total, cores


def build(nnc, source, out, model_line=None, work=None):
    """nnc build; returns the wall-clock seconds."""
    path = os.path.join(ROOT, source)
    if model_line:
        with open(path) as f:
            text = re.sub(r"^model .*$", model_line, f.read(), flags=re.M)
        path = os.path.join(work, os.path.basename(out) + ".nnm")
        with open(path, "w") as f:
            f.write(text)
    start = time.perf_counter()
    subprocess.run([nnc, "build", path, "-o", out], check=True)
    return time.perf_counter() - start


def spread(values):
    m = statistics.median(values)
    return (max(values) - min(values)) / m if m else 0.0


def measure(w, exe, rounds, seconds):
    """{'nnc': [ms...], '<config>/<mode>': [ms...]} over the rounds, alternating."""
    samples = {}
    min_iters = "3" if w.flops > 5e10 else "5"
    for _ in range(rounds):
        for threads in (1, 2):
            cmd = [exe, "bench", "--batch", str(w.batch), "--seconds", str(seconds),
                   "--min-iters", min_iters, "--threads", str(threads), "--json"]
            if w.train:
                cmd.insert(2, "--train")
            if w.hooked:
                cmd.insert(2, "--hooked")
            result = run_json(cmd)
            samples.setdefault(f"nnc/{threads}t", []).append(
                result["ms_per_step" if w.train else "ms_per_batch"])
        for label, threads, blas_threads in TORCH_CONFIGS:
            cmd = [PYTHON, os.path.join(HERE, "torch_workloads.py"), w.torch_name,
                   "--batch", str(w.batch), "--seconds", str(seconds), "--min-iters", min_iters]
            if threads:
                cmd += ["--threads", str(threads)]
            if w.hooked:
                cmd.append("--hooks")
            result = run_json(cmd, torch_env(blas_threads))
            for mode in ("eager", "script", "sgemm"):
                if mode + "_ms" in result:
                    samples.setdefault(f"{label}/{mode}", []).append(result[mode + "_ms"])
    return samples


def summarise(w, samples, peak_one):
    med = {key: statistics.median(v) for key, v in samples.items()}
    nnc1, nnc2 = med["nnc/1t"], med["nnc/2t"]
    one = {k: v for k, v in med.items() if k.startswith("1t/")}
    two = {k: v for k, v in med.items() if k.startswith("2t")}
    best1 = min(one, key=one.get)
    best2 = min(two, key=two.get)
    gflops1 = w.flops / (nnc1 * 1e-3) * 1e-9
    gflops2 = w.flops / (nnc2 * 1e-3) * 1e-9
    return {
        "name": w.name, "title": w.title, "batch": w.batch, "flops": w.flops,
        "nnc_ms": nnc1, "nnc_2t_ms": nnc2,
        "nnc_spread": spread(samples["nnc/1t"]), "nnc_2t_spread": spread(samples["nnc/2t"]),
        "torch_ms": med, "torch_best_1t": best1, "torch_best_2t": best2,
        "ratio_1t": one[best1] / nnc1, "ratio_2t": two[best2] / nnc2,
        "spread_1t": spread(samples[best1]), "spread_2t": spread(samples[best2]),
        "nnc_gflops": gflops1, "nnc_peak_fraction": gflops1 / peak_one,
        "nnc_2t_gflops": gflops2, "nnc_2t_peak_fraction": gflops2 / (2 * peak_one),
        "torch_1t_gflops": w.flops / (one[best1] * 1e-3) * 1e-9,
    }


def build_times(nnc, work):
    rows = []
    examples = sorted(f for f in os.listdir(os.path.join(ROOT, "examples")) if f.endswith(".nnm"))
    for name in examples:
        rows.append((f"examples/{name}", build(nnc, f"examples/{name}", os.path.join(work, "ex"))))
    chain = os.path.join(work, "chain.nnm")
    body = "".join("        h = tanh(h * w)\n" for _ in range(10000))
    with open(chain, "w") as f:
        f.write("module Chain {\n    param w: [4] = randn()\n    forward(x: [B, 4]) -> [B, 4] {\n"
                "        h = x\n" + body + "        return h * w\n    }\n}\nmodel Chain()\n"
                "train {\n    loss = mse(output, target)\n    optimizer = SGD(lr: 0.01)\n}\n")
    start = time.perf_counter()
    subprocess.run([nnc, "build", chain, "-o", os.path.join(work, "chain")], check=True)
    rows.append(("a 10,000-op chain with a train block", time.perf_counter() - start))
    return rows


DEMO_DATA = "/usr/share/datasets/fashion-mnist"


def demo(nnc, work, rounds):
    """The README demo (examples/mlp.nnm: 10 Fashion-MNIST epochs, Adam, per-epoch test evaluation)
    against the same loop in PyTorch (bench/torch_train.py --eval): seconds of training and
    evaluation (loading excluded on both sides) and the final test accuracy, medians over rounds."""
    exe = os.path.join(work, "demo")
    build(nnc, "examples/mlp.nnm", exe)
    samples = {}
    for _ in range(rounds):
        metrics = os.path.join(work, "demo.jsonl")
        if os.path.exists(metrics):
            os.remove(metrics)
        for threads in (1, 2):
            if os.path.exists(metrics):
                os.remove(metrics)
            subprocess.run([exe, "train", "--epochs", "10", "--progress", "plain", "--metrics",
                            metrics, "--save", os.path.join(work, "demo.safetensors"),
                            "--threads", str(threads)],
                           check=True, stdout=subprocess.DEVNULL)
            with open(metrics) as f:
                epochs = [json.loads(line) for line in f]
            samples.setdefault(f"nnc/{threads}t", []).append(
                (sum(e["seconds"] + e["eval_seconds"] for e in epochs),
                 epochs[-1]["test_accuracy"]))
        for label, threads, blas_threads in TORCH_CONFIGS:
            cmd = [PYTHON, os.path.join(HERE, "torch_train.py"), "--epochs", "10", "--eval"]
            if threads:
                cmd += ["--threads", str(threads)]
            r = run_json(cmd, torch_env(blas_threads))
            samples.setdefault(label, []).append((r["seconds_total"], r["test_accuracy"]))
    result = {}
    for label, values in samples.items():
        seconds = [v[0] for v in values]
        result[label] = {"seconds": statistics.median(seconds), "spread": spread(seconds),
                         "accuracy": statistics.median(v[1] for v in values)}
    return result


def startup_and_memory(exe):
    """Median wall time of `exe info` over 20 runs; peak memory of `bench --train` at 64 and 256."""
    times = []
    for _ in range(20):
        start = time.perf_counter()
        subprocess.run([exe, "info"], check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    memory = {}
    for batch in (64, 256):
        # The executable's own peak (VmHWM): getrusage's ru_maxrss of a child would include the
        # memory of this Python process, which the child had before its exec.
        result = run_json([exe, "bench", "--train", "--batch", str(batch), "--seconds", "0",
                           "--min-iters", "3", "--json"])
        memory[batch] = result["peak_memory_bytes"]
    return statistics.median(times), memory


def markdown(report):
    lines = []
    env = report["environment"]
    lines.append(f"Measured {report['date']} by `bash bench/run.sh` ({report['rounds']} rounds, "
                 f"{report['seconds']} s per measurement); {env['cpu']}, {env['cores']} cores; "
                 f"PyTorch {env['torch']}, BLAS {env['blas_file']} (OpenBLAS kernel "
                 f"{env['openblas_core']}); FMA peak {env['peak_one_core']:.0f} GFLOP/s per core, "
                 f"{env['peak_all_cores']:.0f} on all cores.")
    lines.append("")
    lines.append("| workload | nnc 1 thread | PyTorch 1 thread | ratio 1t | nnc 2 threads "
                 "| PyTorch 2 threads | ratio 2t | nnc GFLOP/s 1t / 2t | of peak 1t / 2t "
                 "| spread nnc 1t / 2t, PyTorch 1t / 2t |")
    lines.append("|---|---|---|---|---|---|---|---|---|---|")
    for r in report["workloads"]:
        lines.append(
            f"| {r['title']} | {fmt_ms(r['nnc_ms'])} | {fmt_ms(r['torch_ms'][r['torch_best_1t']])} "
            f"({r['torch_best_1t'].split('/')[1]}) | {r['ratio_1t']:.2f} "
            f"| {fmt_ms(r['nnc_2t_ms'])} "
            f"| {fmt_ms(r['torch_ms'][r['torch_best_2t']])} ({r['torch_best_2t']}) "
            f"| {r['ratio_2t']:.2f} | {r['nnc_gflops']:.0f} / {r['nnc_2t_gflops']:.0f} "
            f"| {100 * r['nnc_peak_fraction']:.0f}% / {100 * r['nnc_2t_peak_fraction']:.0f}% "
            f"| {100 * r['nnc_spread']:.0f}% / {100 * r['nnc_2t_spread']:.0f}%, "
            f"{100 * r['spread_1t']:.0f}% / {100 * r['spread_2t']:.0f}% |")
    lines.append("")
    lines.append("Matrix products: PyTorch's column is OpenBLAS's `cblas_sgemm` called directly "
                 "(1t: OPENBLAS_NUM_THREADS=1). The 2-thread peak is twice the 1-core peak.")
    if report.get("demo"):
        d = report["demo"]
        best2 = min(("2t-default", "2t-1+2"), key=lambda k: d[k]["seconds"])
        lines.append("")
        lines.append("| README demo: 10 Fashion-MNIST epochs, Adam, batch 64, per-epoch test "
                     "evaluation (loading excluded) | seconds | test accuracy | ratio | spread |")
        lines.append("|---|---|---|---|---|")
        for label, title, versus in (("nnc/1t", "nnc, 1 thread", None),
                                     ("1t", "PyTorch, 1 thread", "nnc/1t"),
                                     ("nnc/2t", "nnc, 2 threads", None),
                                     (best2, f"PyTorch, 2 threads ({best2})", "nnc/2t")):
            ratio = f"{d[label]['seconds'] / d[versus]['seconds']:.2f}" if versus else ""
            lines.append(f"| {title} | {d[label]['seconds']:.2f} | {d[label]['accuracy']:.4f} "
                         f"| {ratio} | {100 * d[label]['spread']:.0f}% |")
    if report.get("build_times"):
        lines.append("")
        lines.append("| `nnc build` | seconds |")
        lines.append("|---|---|")
        for name, seconds in report["build_times"]:
            lines.append(f"| {name} | {seconds:.2f} |")
    if report.get("startup"):
        s = report["startup"]
        lines.append("")
        lines.append(f"Start-up of the seed MLP's executable (`./mlp info`, median of 20): "
                     f"{1e3 * s['seconds']:.1f} ms. Peak memory of `bench --train`: "
                     + ", ".join(f"{b / 2**20:.0f} MiB at batch {k}"
                                 for k, b in s["peak_bytes"].items()) + ".")
    return "\n".join(lines) + "\n"


def fmt_ms(ms):
    return f"{ms * 1e3:.1f} us" if ms < 1 else f"{ms:.2f} ms" if ms < 100 else f"{ms:,.0f} ms"


def cpu_name():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nnc", required=True)
    ap.add_argument("--out", default=os.path.join(HERE, "results"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=0.5)
    ap.add_argument("--only", default="", help="comma-separated workload names (default: all)")
    ap.add_argument("--no-demo", action="store_true",
                    help="skip the README demo's 10 Fashion-MNIST epochs (about a minute a round)")
    args = ap.parse_args()
    if args.rounds < 1 or not args.seconds >= 0:
        raise SystemExit("harness: --rounds must be at least 1 and --seconds not negative")
    nnc = os.path.abspath(args.nnc)
    chosen = workloads()
    if args.only:
        names = args.only.split(",")
        unknown = sorted(set(names) - {w.name for w in chosen})
        if unknown:
            raise SystemExit("harness: unknown workloads " + ", ".join(unknown) + "; known: "
                             + ", ".join(w.name for w in chosen))
        chosen = [w for w in chosen if w.name in names]
    blas, core = check_blas()
    import torch  # noqa: E402  (after the BLAS check, which says what to install)
    with tempfile.TemporaryDirectory(prefix="nnc-bench-") as work:
        peak_one, peak_all, cores = fma_peak(work)
        print(f"FMA peak: {peak_one:.0f} GFLOP/s on one core, {peak_all:.0f} on {cores}",
              flush=True)
        results = []
        built = {}
        for w in chosen:
            key = (w.source, w.model_line)
            if key not in built:
                exe = os.path.join(work, w.name)
                build(nnc, w.source, exe, w.model_line, work)
                built[key] = exe
            samples = measure(w, built[key], args.rounds, args.seconds)
            r = summarise(w, samples, peak_one)
            r["samples"] = samples
            results.append(r)
            print(f"{w.title}: nnc {fmt_ms(r['nnc_ms'])} / {fmt_ms(r['nnc_2t_ms'])}, "
                  f"ratio {r['ratio_1t']:.2f} (1 thread) / "
                  f"{r['ratio_2t']:.2f} (2 threads)", flush=True)
        report = {
            "date": datetime.date.today().isoformat(), "rounds": args.rounds,
            "seconds": args.seconds,
            "environment": {"cpu": cpu_name(), "cores": cores, "torch": torch.__version__,
                            "blas": blas,
                            "blas_file": next((os.path.basename(p) for p in blas
                                               if "openblas" in os.path.basename(p)), blas[0]),
                            "openblas_core": core, "peak_one_core": peak_one,
                            "peak_all_cores": peak_all},
            "workloads": results,
        }
        if not args.only and not args.no_demo and os.path.isdir(DEMO_DATA):
            report["demo"] = demo(nnc, work, args.rounds)
            d = report["demo"]
            print(f"README demo: nnc {d['nnc/1t']['seconds']:.1f} s (1 thread), "
                  f"{d['nnc/2t']['seconds']:.1f} s (2 threads), PyTorch 1 thread "
                  f"{d['1t']['seconds']:.1f} s", flush=True)
        if not args.only:
            report["build_times"] = build_times(nnc, work)
            mlp = os.path.join(work, "mlp_startup")
            build(nnc, "bench/models/mlp_sgd.nnm", mlp)
            seconds, peak = startup_and_memory(mlp)
            report["startup"] = {"seconds": seconds, "peak_bytes": peak}
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(report, f, indent=1)
    text = markdown(report)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(text)
    print()
    print(text, end="")
    print(f"(written to {os.path.join(args.out, 'results.md')} and results.json)")


if __name__ == "__main__":
    main()
