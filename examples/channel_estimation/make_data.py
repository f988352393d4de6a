"""Synthetic OFDM channel-estimation data for channel_mlp.nnm and the LS + interpolation baseline.

One OFDM symbol of 6 resource blocks (72 subcarriers, 15 kHz spacing) carries a comb of QPSK
pilots on every 6th subcarrier (0, 6, ..., 66: 12 pilots) and QPSK data elsewhere. It is sent
through a Rayleigh tapped-delay-line channel and received with complex white Gaussian noise:

  1. Transmitter: the 72 used subcarriers k = 0..71 sit on FFT bins k - 36 (mod 128) of a 128-point
     unitary IFFT (sampling rate 1.92 MHz); a 9-sample cyclic prefix is prepended.
  2. Channel: 8 taps at sample delays 0..7 (0 to 3.6 us, inside the cyclic prefix), each tap
     h_l ~ CN(0, p_l) independently per sample, with an exponential power-delay profile
     p_l proportional to exp(-l / 2.5) and sum(p_l) = 1, so E|H[k]|^2 = 1 on every subcarrier.
     The channel is static over the symbol (block fading).
  3. Receiver: complex AWGN n ~ CN(0, sigma^2) on every time sample, sigma^2 = 10^(-SNR/10);
     the cyclic prefix is removed and a unitary FFT taken, so a received pilot is
     Y[k] = H[k] X[k] + N[k] with N[k] ~ CN(0, sigma^2): SNR is the per-subcarrier pilot SNR
     (|X[k]| = 1).
  4. The true channel is H[k] = sum_l h_l exp(-2 pi i (k - 36) l / 128).
  5. LS estimates at the pilots: H_ls[p] = Y[p] / X[p].

Features (float32, real parts first, then imaginary parts):
  X [N, 24]:  Re H_ls[0], Re H_ls[6], ..., Re H_ls[66], Im H_ls[0], ..., Im H_ls[66]
  Y [N, 144]: Re H[0], Re H[1], ..., Re H[71], Im H[0], ..., Im H[71]

The baseline interpolates the LS estimates linearly (real and imaginary parts separately) between
neighbouring pilots and holds the last pilot's value on the 5 subcarriers after it (67..71);
extrapolating along the line through the last two pilots is worse at every SNR, as it amplifies
their noise. Its MSE is measured exactly as the model's loss `mse(output, target)`: the mean of the
squared error over all 144 real features of all samples, i.e. half the mean |H_hat[k] - H[k]|^2 per
subcarrier (the NMSE, since E|H|^2 = 1, is twice this MSE). A second reference, the genie-aided
LMMSE estimator (true channel covariance and SNR), shows the best any estimator can do.

Training samples draw their SNR uniformly from [--snr-min, --snr-max] dB (0..30 by default); each
test set has one fixed SNR (0, 5, ..., 30 dB). Every set comes from its own stream of one seeded
numpy.random.SeedSequence, so the files are the same for the same --seed and sizes.

Writes to --out: train_x.npy, train_y.npy, test_x_<snr>.npy, test_y_<snr>.npy for each test SNR, and
baseline.json ({"snr_db": [...], "ls_interp_mse": [...], "lmmse_mse": [...], ...}), and prints the
baseline table (README.md in this folder has the whole workflow).

    /usr/bin/python3 examples/channel_estimation/make_data.py --out /tmp/channel_estimation/data
"""
import argparse
import json
import os

import numpy as np

NUM_SUBCARRIERS = 72
PILOT_SPACING = 6
PILOTS = np.arange(0, NUM_SUBCARRIERS, PILOT_SPACING)  # 0, 6, ..., 66
FFT_SIZE = 128
CYCLIC_PREFIX = 9
TAP_DELAYS = np.arange(8)  # samples at 1.92 MHz
DECAY_SAMPLES = 2.5
TEST_SNRS_DB = (0, 5, 10, 15, 20, 25, 30)


def power_delay_profile():
    """The taps' average powers p_l, exponential in the delay and summing to 1."""
    p = np.exp(-TAP_DELAYS / DECAY_SAMPLES)
    return p / p.sum()


def fft_bins():
    """FFT bin of each used subcarrier: k - 36 modulo the FFT size (centred on DC)."""
    return (np.arange(NUM_SUBCARRIERS) - NUM_SUBCARRIERS // 2) % FFT_SIZE


def qpsk(rng, shape):
    """Unit-energy QPSK symbols (+-1 +-1i) / sqrt(2)."""
    bits = rng.integers(0, 2, size=shape + (2,))
    return ((1 - 2 * bits[..., 0]) + 1j * (1 - 2 * bits[..., 1])) / np.sqrt(2)


def complex_normal(rng, shape, variance):
    """CN(0, variance) samples; `variance` broadcasts against `shape`."""
    scale = np.sqrt(np.asarray(variance) / 2)
    return scale * (rng.standard_normal(shape) + 1j * rng.standard_normal(shape))


def rayleigh_taps(rng, n):
    """[n, taps] complex tap gains, h_l ~ CN(0, p_l)."""
    return complex_normal(rng, (n, len(TAP_DELAYS)), power_delay_profile())


def channel_response(taps):
    """[n, 72] frequency response of the taps on the used subcarriers."""
    k = np.arange(NUM_SUBCARRIERS) - NUM_SUBCARRIERS // 2
    phase = np.exp(-2j * np.pi * np.outer(TAP_DELAYS, k) / FFT_SIZE)  # [taps, 72]
    return taps @ phase


def transmit_receive(rng, taps, snr_db):
    """Sends one OFDM symbol per sample through its channel; returns the received subcarriers.

    taps: [n, taps]; snr_db: [n]. Returns (sent [n, 72], received [n, 72]).
    """
    n = taps.shape[0]
    sent = qpsk(rng, (n, NUM_SUBCARRIERS))
    grid = np.zeros((n, FFT_SIZE), dtype=complex)
    grid[:, fft_bins()] = sent
    time = np.fft.ifft(grid, norm="ortho")
    time = np.concatenate([time[:, -CYCLIC_PREFIX:], time], axis=1)
    # Linear convolution with each sample's taps; the CP absorbs the delay spread.
    rx = np.zeros_like(time)
    for l, delay in enumerate(TAP_DELAYS):
        rx[:, delay:] += taps[:, l:l + 1] * time[:, :time.shape[1] - delay]
    sigma2 = 10.0 ** (-np.asarray(snr_db, dtype=float) / 10)
    rx += complex_normal(rng, rx.shape, sigma2[:, None])
    received = np.fft.fft(rx[:, CYCLIC_PREFIX:], norm="ortho")[:, fft_bins()]
    return sent, received


def interpolation_matrix():
    """[12, 72] weights W with estimate = pilot_values @ W: linear between neighbouring pilots, and
    the last pilot's value held on the subcarriers after it (67..71)."""
    w = np.zeros((len(PILOTS), NUM_SUBCARRIERS))
    for k in range(NUM_SUBCARRIERS):
        i = min(k // PILOT_SPACING, len(PILOTS) - 1)  # the pilot at or before k
        t = (k - PILOTS[i]) / PILOT_SPACING  # 0 on a pilot, (0, 1) between two pilots
        if i == len(PILOTS) - 1:
            w[i, k] = 1.0
        else:
            w[i, k] = 1 - t
            w[i + 1, k] = t
    return w


def channel_covariance():
    """[72, 72] E[H H^H]: R[k, k'] = sum_l p_l exp(-2 pi i (k - k') d_l / 128)."""
    k = np.arange(NUM_SUBCARRIERS)
    diff = k[:, None] - k[None, :]
    phase = np.exp(-2j * np.pi * diff[:, :, None] * TAP_DELAYS / FFT_SIZE)
    return phase @ power_delay_profile()


def lmmse(h_ls, snr_db):
    """The genie-aided linear MMSE estimate from the pilots' LS estimates [n, 12] at one known SNR,
    with the true channel statistics: H_hat = R_kp (R_pp + sigma^2 I)^-1 H_ls. A reference for the
    best any estimator can do on average, not a practical receiver (it needs both)."""
    r = channel_covariance()
    sigma2 = 10.0 ** (-snr_db / 10)
    gain = r[:, PILOTS] @ np.linalg.inv(r[np.ix_(PILOTS, PILOTS)] + sigma2 * np.eye(len(PILOTS)))
    return h_ls @ gain.T


def ls_interpolate(h_ls):
    """LS + linear interpolation: [n, 12] pilot estimates -> [n, 72] channel estimate, the real and
    imaginary parts interpolated separately."""
    return h_ls @ interpolation_matrix()


def to_features(z):
    """[n, m] complex -> [n, 2m] float32, C order: real parts, then imaginary parts."""
    return np.ascontiguousarray(np.concatenate([z.real, z.imag], axis=1), dtype=np.float32)


def make_set(rng, n, snr_db):
    """n samples at the given SNRs ([n] dB): X [n, 24], Y [n, 144] and the LS estimates [n, 12]."""
    taps = rayleigh_taps(rng, n)
    h = channel_response(taps)
    sent, received = transmit_receive(rng, taps, snr_db)
    h_ls = received[:, PILOTS] / sent[:, PILOTS]
    return to_features(h_ls), to_features(h), h_ls


def mse(estimate, y):
    """The loss's MSE of a complex estimate [n, 72] against targets Y [n, 144]: the mean squared
    error over all real and imaginary features."""
    return float(np.mean((to_features(estimate).astype(np.float64) - y) ** 2))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=".", help="output directory (created if missing)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--train", type=int, default=200000, help="training samples")
    parser.add_argument("--test", type=int, default=2000, help="samples per test SNR")
    parser.add_argument("--snr-min", type=float, default=0.0, help="training SNR range, dB")
    parser.add_argument("--snr-max", type=float, default=30.0)
    parser.add_argument("--test-snrs", default=",".join(map(str, TEST_SNRS_DB)),
                        help="comma-separated test SNRs in dB (integers)")
    return parser.parse_args()


def write_training_set(args, stream):
    rng = np.random.default_rng(stream)
    snr = rng.uniform(args.snr_min, args.snr_max, size=args.train)
    x, y, _ = make_set(rng, args.train, snr)
    np.save(os.path.join(args.out, "train_x.npy"), x)
    np.save(os.path.join(args.out, "train_y.npy"), y)


def write_test_set(args, snr_db, stream):
    """Writes the test set at one SNR; returns the MSE of LS + interpolation and of the genie
    LMMSE on it."""
    rng = np.random.default_rng(stream)
    x, y, h_ls = make_set(rng, args.test, np.full(args.test, float(snr_db)))
    np.save(os.path.join(args.out, f"test_x_{snr_db}.npy"), x)
    np.save(os.path.join(args.out, f"test_y_{snr_db}.npy"), y)
    return mse(ls_interpolate(h_ls), y), mse(lmmse(h_ls, snr_db), y)


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)
    test_snrs = [int(s) for s in args.test_snrs.split(",")]
    streams = np.random.SeedSequence(args.seed).spawn(1 + len(test_snrs))
    write_training_set(args, streams[0])
    results = [write_test_set(args, snr, stream) for snr, stream in zip(test_snrs, streams[1:])]

    report = {
        "snr_db": test_snrs,
        "ls_interp_mse": [r[0] for r in results],
        "lmmse_mse": [r[1] for r in results],
        "mse_definition": "mean over all samples and the 144 real features (Re, Im) of the "
                          "squared error, as mse(output, target)",
        "seed": args.seed, "train": args.train, "test": args.test,
        "train_snr_db": [args.snr_min, args.snr_max],
    }
    with open(os.path.join(args.out, "baseline.json"), "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")

    print(f"wrote {args.train} training and {len(test_snrs)} x {args.test} test samples "
          f"to {args.out}")
    print(f"{'SNR dB':>6}  {'LS+interp MSE':>13}  {'dB':>7}  {'genie LMMSE':>11}  {'dB':>7}")
    for snr_db, (ls, lm) in zip(test_snrs, results):
        print(f"{snr_db:>6}  {ls:>13.6f}  {10 * np.log10(ls):>7.2f}  {lm:>11.6f}  "
              f"{10 * np.log10(lm):>7.2f}")


if __name__ == "__main__":
    main()
