#!/usr/bin/env python3
"""Times pingouin.cronbach_alpha on the comparison CSV (reading excluded).
Prints: pingouin_cronbach_alpha <seconds> <alpha>.
Needs: pip install pingouin (brings numpy, pandas, scipy)."""
import sys
import time

import pandas as pd
import pingouin as pg

df = pd.read_csv(sys.argv[1])
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
best = float("inf")
for _ in range(reps):
    t0 = time.perf_counter()
    a, ci = pg.cronbach_alpha(data=df)
    best = min(best, time.perf_counter() - t0)
print(f"pingouin_cronbach_alpha {best:.6f} {a:.15f}")
print(f"# pingouin {pg.__version__}, pandas {pd.__version__}")
