#!/usr/bin/env python3
"""pandas groupby + pingouin.cronbach_alpha on the benchmark's Parquet file (not CI).

usage: python3 groupby_pandas.py [--child] FILE.parquet

Prints the whole time (read + groupby + alpha per group, after the imports) and the peak
resident memory (ru_maxrss). With --child it prints one line `seconds peak_kib groups
alpha_of_group0`, the format of the benchmark's own child runs, so that the benchmark
(`--pandas groupby_pandas.py`) runs it in the same session as the other contenders. Needs
pandas, pyarrow and pingouin.
"""
import resource
import sys
import time

import pandas as pd
import pingouin as pg


def main() -> None:
    args = sys.argv[1:]
    child = "--child" in args
    paths = [a for a in args if a != "--child"]
    if len(paths) != 1:
        sys.exit("usage: python3 groupby_pandas.py [--child] FILE.parquet")
    path = paths[0]
    start = time.perf_counter()
    df = pd.read_parquet(path)
    items = [c for c in df.columns if c != "counsellor"]
    read = time.perf_counter() - start
    out = {}
    for key, group in df.groupby("counsellor", sort=True):
        out[key] = pg.cronbach_alpha(data=group[items])[0]
    total = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_mb = peak_kib / 1024
    first = min(out)
    if child:
        print(f"{total} {peak_kib} {len(out)} {out[first]}")
        return
    print(
        f"pandas+pingouin: {total:.3f} s (read {read:.3f} s)  peak RSS {peak_mb:.1f} MB  "
        f"{len(out)} groups  alpha[{first}] = {out[first]:.6f}"
    )


if __name__ == "__main__":
    main()
