"""Reference side of `npm run bench -- lps`: LPS with scikit-learn's HistGradientBoostingRegressor.

Usage: python3 bench/lps-sklearn.py Z.npy TRAIN_ROWS [DIMS]  ->  one JSON line on stdout.
Each dimension is regressed on the others, trained on the first TRAIN_ROWS rows and scored (R²)
on the rest, as sculpt's `--split ordered` does; DIMS limits it to the first DIMS dimensions. early_stopping=False: sklearn would otherwise
switch early stopping on above 10,000 rows, which LightGBM's defaults (and sculpt) do not do.
"""
import json
import sys
import time

import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.metrics import r2_score

z = np.load(sys.argv[1])
n_train = int(sys.argv[2])
dims = int(sys.argv[3]) if len(sys.argv) > 3 else z.shape[1]
wall0, cpu0 = time.perf_counter(), time.process_time()
per_dim = []
for i in range(dims):
    x = np.delete(z, i, axis=1)
    model = HistGradientBoostingRegressor(early_stopping=False).fit(x[:n_train], z[:n_train, i])
    per_dim.append(float(r2_score(z[n_train:, i], model.predict(x[n_train:]))))
print(json.dumps({
    "lps": float(np.mean(per_dim)),
    "perDim": per_dim,
    "seconds": time.perf_counter() - wall0,
    "cpuSeconds": time.process_time() - cpu0,
}))
