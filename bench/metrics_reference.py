"""Reference values for the metrics of issue #18 (modularity, explicitness, IRS, the unsupervised
scores, DCI's regressor form, BetaVAE and FactorVAE scores), written with NumPy / SciPy /
scikit-learn after the definitions in google-research/disentanglement_lib @86a644d4
(evaluation/metrics/*.py; each function below names the one it follows). Written from those
definitions, not copied.

Usage: /usr/bin/python3 bench/metrics_reference.py OUT_DIR
       /usr/bin/python3 bench/metrics_reference.py --time Z.npy F.npy TRAIN_ROWS   (`npm run bench -- metrics`)
Writes OUT_DIR/{mixed,collapsed,gaussian}_latents.npy, OUT_DIR/{mixed,gaussian}_factors.npy and
OUT_DIR/reference.json;
test/fixtures/metrics-extra/README.md says what each number is.
"""
import json
import os
import sys

import numpy as np
import scipy
import scipy.linalg
import sklearn
from sklearn import linear_model, metrics, preprocessing
from sklearn.ensemble import RandomForestRegressor

NUM_BINS = 20  # discretizer.num_bins in every metric config that bins
TRAIN = 2000  # first rows train, the rest test (disentanglement_lib draws two samples instead)


def histogram_discretize(target):
    """utils._histogram_discretize: per row of a [dims, N] array, np.digitize against the left
    edges of a 20-bin np.histogram (bin ids 1..20)."""
    out = np.zeros_like(target)
    for i in range(target.shape[0]):
        out[i, :] = np.digitize(target[i, :], np.histogram(target[i, :], NUM_BINS)[1][:-1])
    return out


def discrete_mutual_info(mus, ys):
    """utils.discrete_mutual_info: m[i, j] = mutual_info_score(ys[j], mus[i]) in nats."""
    return np.array([[metrics.mutual_info_score(ys[j], mus[i]) for j in range(ys.shape[0])] for i in range(mus.shape[0])])


def modularity(mus, ys):
    """modularity_explicitness.modularity on the 20-bin codes' mutual information with the
    (undiscretised) factors: per code 1 − (Σ_j m² − max m²) / (max m² · (K − 1)), 0 when max is 0."""
    mi = discrete_mutual_info(histogram_discretize(mus), ys)
    sq = mi**2
    top = sq.max(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_code = 1.0 - (sq.sum(axis=1) - top) / (top * (sq.shape[1] - 1.0))
    per_code[top == 0.0] = 0.0
    return float(per_code.mean()), per_code.tolist(), mi.tolist()


def explicitness(mus_train, ys_train, mus_test, ys_test, check=True):
    """modularity_explicitness.compute_modularity_explicitness / explicitness_per_factor: codes
    standardised with the training mean and (population) std, LogisticRegression() with the
    installed scikit-learn's defaults per factor, macro ROC-AUC of predict_proba against the
    one-hot labels (MultiLabelBinarizer) on train and test."""
    mean = mus_train.mean(axis=1)
    std = mus_train.std(axis=1)
    xtr = ((mus_train - mean[:, None]) / std[:, None]).T
    xte = ((mus_test - mean[:, None]) / std[:, None]).T
    train, test, iters = [], [], []
    for j in range(ys_train.shape[0]):
        clf = linear_model.LogisticRegression().fit(xtr, ys_train[j])
        iters.append(int(np.max(clf.n_iter_)))
        mlb = preprocessing.MultiLabelBinarizer()
        train.append(metrics.roc_auc_score(mlb.fit_transform(ys_train[j][:, None]), clf.predict_proba(xtr)))
        test.append(metrics.roc_auc_score(mlb.fit_transform(ys_test[j][:, None]), clf.predict_proba(xte)))
    assert not check or max(iters) < clf.max_iter, "lbfgs stopped at its iteration limit: the reference would not be the optimum"
    return {"train": float(np.mean(train)), "test": float(np.mean(test)), "per_factor_train": train, "per_factor_test": test, "lbfgs_iterations": iters}


def logistic_coefficients(mus, ys):
    """LogisticRegression() coefficients on the standardised first 2,000 rows (as explicitness
    fits them): multinomial for factor 0 (4 classes), binomial for factor 0 ≥ 2."""
    x = mus[:, :TRAIN].T
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    out = {}
    for name, y in (("multinomial", ys[0, :TRAIN]), ("binomial", (ys[0, :TRAIN] >= 2).astype(np.int64))):
        clf = linear_model.LogisticRegression().fit(x, y)
        assert np.max(clf.n_iter_) < clf.max_iter
        out[name] = {"coef": clf.coef_.tolist(), "intercept": clf.intercept_.tolist()}
    return out


def irs(mus, ys, diff_quantile=0.99):
    """irs.compute_irs + scalable_disentanglement_score: factors binned like the codes (20-bin
    histograms), constant codes dropped, per factor value the 99th percentile of |z − E[z | g]|
    averaged over values, normalised by each code's max |z − mean z|; IRS is the mean over codes of
    1 − the smallest normalised deviation, weighted by that max deviation."""
    ys_d = histogram_discretize(ys)
    active = mus[mus.var(axis=1) > 0.0, :]
    lat = active.T
    gen = ys_d.T
    max_dev = np.max(np.abs(lat - lat.mean(axis=0)), axis=0)
    cum = np.zeros([lat.shape[1], gen.shape[1]])
    for i in range(gen.shape[1]):
        values = np.unique(gen[:, i])
        for v in values:
            match = gen[:, i] == v
            diffs = np.abs(lat[match, :] - lat[match, :].mean(axis=0))
            cum[:, i] += np.percentile(diffs, q=diff_quantile * 100, axis=0)
        cum[:, i] /= len(values)
    irs_matrix = 1.0 - cum / max_dev[:, None]
    per_code = irs_matrix.max(axis=1)
    score = np.average(per_code, weights=max_dev) if max_dev.sum() > 0 else per_code.mean()
    return {"score": float(score), "active_dims": int(active.shape[0]), "per_code": per_code.tolist(), "matrix": irs_matrix.tolist()}


def unsupervised(mus):
    """unsupervised_metrics.unsupervised_metrics, gaussian_total_correlation and
    gaussian_wasserstein_correlation on np.cov of the codes (ddof 1), and the mean pairwise mutual
    information of the 20-bin codes (diagonal left out)."""
    cov = np.cov(mus)
    tc = 0.5 * (np.sum(np.log(np.diag(cov))) - np.linalg.slogdet(cov)[1])
    w = 2 * np.trace(cov) - 2 * np.trace(scipy.linalg.sqrtm(cov * np.diag(cov)[:, None]))
    binned = histogram_discretize(mus)
    mi = discrete_mutual_info(binned, binned)
    np.fill_diagonal(mi, 0)
    k = mus.shape[0]
    return {
        "gaussian_total_correlation": float(tc),
        "gaussian_wasserstein_correlation": float(np.real(w)),
        "gaussian_wasserstein_correlation_norm": float(np.real(w) / np.trace(cov)),
        "mutual_info_score": float(mi.sum() / (k * k - k)),
    }


def dci_forest_r2(mus_train, ys_train, mus_test, ys_test):
    """DCI's regressor form (Eastwood & Williams 2018, cianeastwood/qedr lib/eval/regression.py):
    RandomForestRegressor() per factor on the class index; informativeness as the test R² (the
    regressor's `score`), and 1 − R² = NRMSE² (RMSE over the test std)."""
    r2 = []
    for j in range(ys_train.shape[0]):
        model = RandomForestRegressor(random_state=0).fit(mus_train.T, ys_train[j])
        r2.append(float(model.score(mus_test.T, ys_test[j])))
    return {"informativeness": float(np.mean(r2)), "per_factor": r2}


TOY_SIZES = [4, 5, 6]


def toy_codes(f):
    """The toy encoder of the intervention fixtures (the test defines the same function): codes of
    the factor classes f (n×3): b clearly coded, a and c only faintly (so their interventions are
    confused), and a collapsed code (std ≈ 0.01, pruned by FactorVAE)."""
    a, b, c = f[:, 0].astype(np.float64), f[:, 1].astype(np.float64), f[:, 2].astype(np.float64)
    hashed = np.sin(12.9898 * a + 78.233 * b + 37.719 * c)  # a fixed pseudo-random value per combination
    return np.stack(
        [
            0.05 * a / 3 + 0.5 * hashed,
            b / 4 + 0.5 * np.sin(3 * a + 5 * b + 2 * c),
            0.5 * b / 4 + 0.05 * a / 3 + 0.02 * c / 5,
            0.6 * hashed + 0.02 * c / 5,
            0.01 * a,
        ],
        axis=1,
    )


def sample_factors(n, rs):
    """A ground-truth data set's `sample_factors`: each factor uniform over its classes."""
    return np.stack([rs.randint(s, size=n) for s in TOY_SIZES], axis=1)


def beta_vae(rs, batch_size=64, num_train=10000, num_eval=5000):
    """beta_vae.compute_beta_vae_sklearn with _generate_training_batch / _generate_training_sample
    (beta_vae_sklearn.gin: batch 64, 10,000 / 5,000), on the toy encoder."""

    def batch(num):
        labels = np.zeros(num, dtype=np.int64)
        points = np.zeros((num, 5))
        for i in range(num):
            index = rs.randint(len(TOY_SIZES))
            f1 = sample_factors(batch_size, rs)
            f2 = sample_factors(batch_size, rs)
            f2[:, index] = f1[:, index]
            labels[i] = index
            points[i] = np.mean(np.abs(toy_codes(f1) - toy_codes(f2)), axis=0)
        return points, labels

    x, y = batch(num_train)
    model = linear_model.LogisticRegression(random_state=rs).fit(x, y)
    train = float(np.mean(model.predict(x) == y))
    xe, ye = batch(num_eval)
    return {"train_accuracy": train, "eval_accuracy": float(model.score(xe, ye)), "lbfgs_iterations": int(np.max(model.n_iter_))}


def factor_vae(rs, batch_size=64, num_train=10000, num_eval=5000, num_variance_estimate=10000, threshold=0.05):
    """factor_vae.compute_factor_vae with _compute_variances, _prune_dims and
    _generate_training_batch (factor_vae_metric.gin), on the toy encoder."""
    global_var = np.var(toy_codes(sample_factors(num_variance_estimate, rs)), axis=0, ddof=1)
    active = np.sqrt(global_var) >= threshold

    def votes(num):
        v = np.zeros((len(TOY_SIZES), global_var.shape[0]), dtype=np.int64)
        for _ in range(num):
            index = rs.randint(len(TOY_SIZES))
            f = sample_factors(batch_size, rs)
            f[:, index] = f[0, index]
            local = np.var(toy_codes(f), axis=0, ddof=1)
            v[index, np.argmin(local[active] / global_var[active])] += 1
        return v

    train = votes(num_train)
    classifier = np.argmax(train, axis=0)
    cols = np.arange(train.shape[1])
    ev = votes(num_eval)
    return {
        "train_accuracy": float(np.sum(train[classifier, cols]) / np.sum(train)),
        "eval_accuracy": float(np.sum(ev[classifier, cols]) / np.sum(ev)),
        "active_dims": int(active.sum()),
    }


def make_sets(rng):
    n = 3000
    sizes = [4, 6, 32]
    f = np.stack([rng.randint(s, size=n) for s in sizes], axis=1).astype(np.int64)
    g = lambda: rng.normal(size=n)
    z = np.stack(
        [
            f[:, 0] / 3 + 0.05 * g(),  # clean code of factor 0
            np.tanh(f[:, 1] - 2.5) + 0.1 * g(),  # nonlinear code of factor 1
            0.6 * f[:, 0] / 3 + 0.8 * f[:, 2] / 31 + 0.1 * g(),  # entangled
            g(),  # noise
            f[:, 2] / 31 + 0.02 * g(),  # clean code of factor 2 (32 values: IRS bins it into 20)
        ],
        axis=1,
    ).astype(np.float32)
    collapsed = np.concatenate([z, np.full((n, 1), 0.25, np.float32)], axis=1)
    a = rng.normal(size=(4, 4))
    gauss = (rng.normal(size=(n, 4)) @ a).astype(np.float32)
    return {"mixed": (z, f), "collapsed": (collapsed, f), "gaussian": (gauss, f)}


def time_each(z_path, f_path, n_train):
    """Wall and CPU seconds each reference takes on the given codes and factors (one JSON line)."""
    import time

    import warnings

    warnings.simplefilter("ignore")  # lbfgs stopping at its 100-iteration default is what the original does
    z = np.load(z_path)
    mus, ys = z.T, np.load(f_path).T
    mus64 = mus.astype(np.float64)
    runs = {
        "modularity": lambda: modularity(mus, ys),
        "explicitness": lambda: explicitness(mus64[:, :n_train], ys[:, :n_train], mus64[:, n_train:], ys[:, n_train:], check=False),
        "irs": lambda: irs(mus64, ys),
        "unsupervised": lambda: unsupervised(mus64),
    }
    out = {"seconds": {}, "cpuSeconds": {}}
    for name, fn in runs.items():
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        out["seconds"][name] = time.perf_counter() - t0
        out["cpuSeconds"][name] = time.process_time() - c0
    print(json.dumps(out))


def main():
    if sys.argv[1] == "--time":
        time_each(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    sets = make_sets(np.random.RandomState(18))
    ref = {
        "versions": {"numpy": np.__version__, "scipy": scipy.__version__, "sklearn": sklearn.__version__},
        "num_train": TRAIN,
        "sets": {},
    }
    for name, (z, f) in sets.items():
        np.save(os.path.join(out, f"{name}_latents.npy"), z)
        if name != "collapsed":  # the collapsed set shares the mixed set's factors
            np.save(os.path.join(out, f"{name}_factors.npy"), f)
        mus, ys = z.T, f.T
        mus64 = mus.astype(np.float64)
        r = {}
        mod, per_code, mi = modularity(mus, ys)
        r["modularity"] = {"score": mod, "per_code": per_code, "mutual_information": mi}
        r["irs"] = irs(mus64, ys)
        if name != "collapsed":
            r["unsupervised"] = unsupervised(mus64)
            r["explicitness"] = explicitness(mus64[:, :TRAIN], ys[:, :TRAIN], mus64[:, TRAIN:], ys[:, TRAIN:])
            r["dci_forest"] = dci_forest_r2(mus64[:, :TRAIN], ys[:, :TRAIN], mus64[:, TRAIN:], ys[:, TRAIN:])
        ref["sets"][name] = r
    ref["interventions"] = {
        "factor_sizes": TOY_SIZES,
        "beta_vae": beta_vae(np.random.RandomState(0)),
        "factor_vae": factor_vae(np.random.RandomState(0)),
    }
    ref["logistic"] = logistic_coefficients(sets["mixed"][0].T.astype(np.float64), sets["mixed"][1].T)
    with open(os.path.join(out, "reference.json"), "w") as fh:
        json.dump(ref, fh, indent=1)


if __name__ == "__main__":
    main()
