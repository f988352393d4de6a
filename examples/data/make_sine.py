"""Writes sine.csv: 256 points x evenly spaced on [-pi, pi] and y = sin(x), for examples/sine.nnm.

    python3 examples/data/make_sine.py > examples/data/sine.csv
"""
import math

print("x,y")
for i in range(256):
    x = -math.pi + 2 * math.pi * i / 255
    print(f"{x:.9g},{math.sin(x):.9g}")
