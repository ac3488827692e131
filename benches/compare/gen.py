#!/usr/bin/env python3
"""Writes the comparison data set: ROWS respondents x 12 Likert items (1..5), one common
factor, deterministic (Python's own Mersenne Twister, seed 2026; standard library only).

usage: gen.py OUT.csv [ROWS]   (ROWS defaults to 1,000,000)
"""
import random
import sys

out = sys.argv[1]
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
rng = random.Random(2026)
with open(out, "w") as f:
    f.write(",".join(f"i{j}" for j in range(1, 13)) + "\n")
    for _ in range(rows):
        t = rng.uniform(-1, 1) * 2
        vals = []
        for _ in range(12):
            v = round(3 + (t + rng.uniform(-1, 1) * 2))
            vals.append(str(min(5, max(1, v))))
        f.write(",".join(vals) + "\n")
