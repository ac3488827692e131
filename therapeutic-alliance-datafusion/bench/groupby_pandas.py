#!/usr/bin/env python3
"""pandas groupby + pingouin.cronbach_alpha on the benchmark's Parquet file (not CI).

usage: python3 groupby_pandas.py FILE.parquet

Prints the whole time (read + groupby + alpha per group) and the peak resident memory
(ru_maxrss). Needs pandas, pyarrow and pingouin.
"""
import resource
import sys
import time

import pandas as pd
import pingouin as pg


def main() -> None:
    path = sys.argv[1]
    start = time.perf_counter()
    df = pd.read_parquet(path)
    items = [c for c in df.columns if c != "counsellor"]
    read = time.perf_counter() - start
    out = {}
    for key, group in df.groupby("counsellor", sort=True):
        out[key] = pg.cronbach_alpha(data=group[items])[0]
    total = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    first = min(out)
    print(
        f"pandas+pingouin: {total:.3f} s (read {read:.3f} s)  peak RSS {peak_mb:.1f} MB  "
        f"{len(out)} groups  alpha[{first}] = {out[first]:.6f}"
    )


if __name__ == "__main__":
    main()
