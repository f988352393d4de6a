"""The trained MLP against least squares + linear interpolation, MSE per SNR.

Reads the test sets and baseline.json that make_data.py wrote to --data, obtains the MLP's
estimates for each test_x_<snr>.npy, and prints one row per SNR: the MSE of LS + linear
interpolation, of the MLP, the MLP's gain over it in dB, and the genie-aided LMMSE reference
(baseline.json). The MSE is the model's loss, mse(output, target): the mean squared error over all
samples and all 144 real features.

The estimates come either from the built executable,

    evaluate.py --data DIR --exe ./channel_mlp --params channel_mlp.safetensors

which runs `./channel_mlp predict --params P --input DIR/test_x_<snr>.npy --output ...` per SNR, or
from predictions made beforehand with that command, named pred_<snr>.npy in one folder:

    evaluate.py --data DIR --predictions PRED_DIR

--json FILE also writes the table as JSON (the test suite reads it).
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=True, help="the folder make_data.py wrote")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--exe", help="the executable nnc built from channel_mlp.nnm")
    source.add_argument("--predictions", help="a folder of pred_<snr>.npy files")
    parser.add_argument("--params", help="parameters or checkpoint for --exe (safetensors)")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    if args.exe and not args.params:
        parser.error("--exe needs --params")
    return args


def predict(exe, params, inputs, output):
    """Runs the executable's predict command on one input file."""
    command = [exe, "predict", "--params", params, "--input", inputs, "--output", output]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"evaluate.py: `{' '.join(command)}` failed ({result.returncode}):\n"
                 f"{result.stderr}")


def mlp_mse(args, snr, scratch):
    """The MLP's MSE on the test set at one SNR."""
    inputs = os.path.join(args.data, f"test_x_{snr}.npy")
    targets = np.load(os.path.join(args.data, f"test_y_{snr}.npy")).astype(np.float64)
    if args.exe:
        path = os.path.join(scratch, f"pred_{snr}.npy")
        predict(args.exe, args.params, inputs, path)
    else:
        path = os.path.join(args.predictions, f"pred_{snr}.npy")
    estimates = np.load(path).astype(np.float64)
    if estimates.shape != targets.shape:
        sys.exit(f"evaluate.py: {path} has shape {estimates.shape}, the targets {targets.shape}")
    return float(np.mean((estimates - targets) ** 2))


def decibels(value):
    return 10 * math.log10(value)


def print_table(rows):
    print(f"{'SNR dB':>6} | {'LS+interp MSE':>13} {'(dB)':>7} | {'MLP MSE':>9} {'(dB)':>7} | "
          f"{'gain dB':>7} | {'LMMSE (dB)':>10}")
    for row in rows:
        ls = row["ls_interp_mse"]
        print(f"{row['snr_db']:>6} | {ls:>13.5f} {decibels(ls):>7.2f}"
              f" | {row['mlp_mse']:>9.5f} {decibels(row['mlp_mse']):>7.2f}"
              f" | {row['gain_db']:>7.2f} | {decibels(row['lmmse_mse']):>10.2f}")


def main():
    args = parse_args()
    with open(os.path.join(args.data, "baseline.json")) as f:
        baseline = json.load(f)
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for i, snr in enumerate(baseline["snr_db"]):
            mse = mlp_mse(args, snr, scratch)
            ls = baseline["ls_interp_mse"][i]
            rows.append({"snr_db": snr, "ls_interp_mse": ls, "mlp_mse": mse,
                         "gain_db": decibels(ls) - decibels(mse),
                         "lmmse_mse": baseline["lmmse_mse"][i]})
    print_table(rows)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
