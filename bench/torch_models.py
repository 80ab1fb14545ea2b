"""PyTorch references for every model of sculpt's registry, for `npm run bench -- parity`.

Each model is written from sculpt's own definition (src/core/models/*.ts, src/core/divergences,
src/core/kernels), with the same defaults, on the network of an architecture file from
`sculpt arch --json` (or the parity benchmark), so the two sides differ only in the framework.
PyTorch's default initialisation and Adam (lr 5e-4, eps 1e-8) throughout. Needs Debian's
python3-torch; run with /usr/bin/python3.

  train   ARCH.json TRAIN.npy EVAL.npy OUT.json --model M [--kernel K] [--prior P] [--epochs E]
          [--batch B] [--seed S] [--lr LR] [--threads T]
          TRAIN/EVAL.npy: images (N, H, W, C) float32 in [0, 1]. Writes OUT.json (NMSE dB on the
          evaluation images, code std, per-epoch loss history) and OUT.latents.npy (the evaluation
          images' representations, float32).
  forward ARCH.json WEIGHTS.npy IMAGES.npy OUT.npy
          Loads sculpt's weights (every tensor of encoder then decoder in TensorFlow.js layout,
          flattened and concatenated), runs the plain AE loss on the images, and writes OUT.npy:
          codes, logits (NHWC), loss, then its gradient for each tensor in the same layout, all
          flattened and concatenated. Checks that the two networks are the same function.
          With --steps N [--model ae|batch-kl|ae-mmd] [--order ORDER.npy] [--prior-samples P.npy]:
          N Adam steps instead, on consecutive batches of --batch images or on ORDER's rows of
          image indices (AE-MMD on P's prior draws, one batch a step); writes each
          step's loss, then every weight in TensorFlow.js layout (bench/trajectory.ts).
  time    ARCH.json [--batch B] [--steps N] [--warmup W] [--threads T]
          AE-MMD steps on random inputs (`npm run bench -- train`): prints one JSON line with the
          median wall and CPU milliseconds per step and images per second.
"""
import argparse, json, math, os, sys, time
import numpy as np
import torch, torch.nn as nn, torch.nn.functional as F

# ---------------------------------------------------------------- networks (src/core/nets)


def same_padding(size, k, s):
    """TensorFlow 'same' padding of a conv: (before, after, output size); the odd pixel goes after."""
    out = -(-size // s)
    total = max((out - 1) * s + k - size, 0)
    return total // 2, total - total // 2, out


class Conv(nn.Module):
    def __init__(self, cin, spec, h, w):
        super().__init__()
        k, s = spec["kernel"], spec["stride"]
        if spec.get("padding", "same") == "same":
            t, b, oh = same_padding(h, k, s)
            l, r, ow = same_padding(w, k, s)
        else:
            t = b = l = r = 0
            oh, ow = (h - k) // s + 1, (w - k) // s + 1
        self.pad = (l, r, t, b)
        self.conv = nn.Conv2d(cin, spec["filters"], k, s)
        self.out = (spec["filters"], oh, ow)

    def forward(self, x):
        return self.conv(F.pad(x, self.pad))


class Deconv(nn.Module):
    """sculpt's transposed conv: TensorFlow 'same' (in·s rows: the full (in−1)·s+k output less
    (k−s)//2 rows before and the rest after), then the rows/columns past outputSize cut from the end."""
    def __init__(self, cin, spec, h, w):
        super().__init__()
        k, s = spec["kernel"], spec["stride"]
        self.conv = nn.ConvTranspose2d(cin, spec["filters"], k, s)
        cut = max(k - s, 0) // 2
        oh, ow = spec["outputSize"]
        self.rows = (cut, cut + oh)
        self.cols = (cut, cut + ow)
        self.out = (spec["filters"], oh, ow)

    def forward(self, x):
        y = self.conv(x)
        return y[:, :, self.rows[0]:self.rows[1], self.cols[0]:self.cols[1]]


class FlattenHWC(nn.Module):
    """Flatten in TensorFlow.js's (H, W, C) order, so dense weights carry over unchanged."""
    def forward(self, x):
        return x.permute(0, 2, 3, 1).flatten(1)


class ReshapeHWC(nn.Module):
    def __init__(self, chw):
        super().__init__()
        self.c, self.h, self.w = chw

    def forward(self, x):
        return x.view(-1, self.h, self.w, self.c).permute(0, 3, 1, 2)


ACT = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "elu": nn.ELU, "none": nn.Identity}


def build(layers, shape):
    mods = []
    for spec in layers:
        op = spec["op"]
        if op == "conv2d":
            m = Conv(shape[0], spec, shape[1], shape[2]); shape = m.out
        elif op == "conv2d_transpose":
            m = Deconv(shape[0], spec, shape[1], shape[2]); shape = m.out
        elif op == "flatten":
            m = FlattenHWC(); shape = (shape[0] * shape[1] * shape[2],)
        elif op == "dense":
            m = nn.Linear(shape[0], spec["units"]); shape = (spec["units"],)
        elif op == "reshape":
            m = ReshapeHWC(spec["shape"]); shape = tuple(spec["shape"])
        else:
            raise SystemExit(f"unknown op {op}")
        mods.append(m)
        if spec.get("batchNorm"):
            raise SystemExit("batch norm is not in sculpt's networks")
        a = spec.get("activation", "none")
        mods.append(nn.LeakyReLU(0.2) if a == "leaky_relu" else ACT[a]())
    return nn.Sequential(*mods), shape


def tfjs_params(net):
    """The network's weight tensors in TensorFlow.js order (kernel then bias per layer), each with
    a view mapping the TensorFlow.js layout to PyTorch's."""
    out = []
    for m in net.modules():
        if isinstance(m, nn.Linear):
            out += [(m.weight, lambda t: t.T), (m.bias, None)]  # [in, out] -> [out, in]
        elif isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            # conv [k, k, in, out] -> [out, in, k, k]; transposed [k, k, out, in] -> [in, out, k, k]
            out += [(m.weight, lambda t: t.permute(3, 2, 0, 1)), (m.bias, None)]
    return out


# ---------------------------------------------------------------- losses (models/losses.ts)


def reconstruction(x, logits, kind):
    if kind == "mse":
        return ((torch.sigmoid(logits) - x) ** 2).mean()
    return F.binary_cross_entropy_with_logits(logits, x)  # max(l,0) − l·x + log(1+e^−|l|), mean


def split_gaussian(out, d):
    return out[:, :d], out[:, d:].clamp(-10, 10)


def reparameterize(mu, log_var):
    return mu + torch.exp(0.5 * log_var) * torch.randn_like(mu)


def gaussian_kl(mu, log_var):
    return 0.5 * (mu ** 2 + log_var.exp() - log_var - 1).sum(1)


# ---------------------------------------------------------------- MMD (divergences/mmd.ts, kernels/)


def sq_dist(a, b):
    return ((a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2 * a @ b.T).clamp_min(0)


def median_pooled(dxx, dyy, dxy):
    """Median distance of all distinct pairs of x ∪ y (numpy's median), no gradient; 1 if all coincide."""
    n, m = dxx.shape[0], dyy.shape[0]
    iu, ju = torch.triu_indices(n, n, 1)
    iv, jv = torch.triu_indices(m, m, 1)
    pooled = torch.cat([dxx[iu, ju], dyy[iv, jv], dxy.flatten()]).detach().double()
    s = float(np.median(pooled.sqrt().numpy()))
    return s if s > 0 else 1.0


KERNELS = {
    "rbf-mixture": lambda d2, s: sum(torch.exp(-d2 / (2 * (c * s) ** 2)) for c in (0.5, 1.0, 2.0)),
    "rbf": lambda d2, s: torch.exp(-d2 / (2 * s * s)),
    "imq": lambda d2, s: sum(c * s * s / (d2 + c * s * s) for c in (0.1, 0.2, 0.5, 1, 2, 5, 10)),
    "laplacian": lambda d2, s: sum(torch.exp(-d2.clamp_min(1e-12).sqrt() / (c * s)) for c in (0.5, 1.0, 2.0)),
}


def mmd2(x, y, kernel, estimator="biased"):
    dxx, dyy, dxy = sq_dist(x, x), sq_dist(y, y), sq_dist(x, y)
    s = median_pooled(dxx, dyy, dxy)
    k = KERNELS[kernel]
    kxx, kyy, kxy = k(dxx, s), k(dyy, s), k(dxy, s)
    if estimator == "biased":
        return kxx.mean() + kyy.mean() - 2 * kxy.mean()
    n, m = x.shape[0], y.shape[0]
    off = lambda g, r: (g.sum() - g.diagonal().sum()) / (r * (r - 1))
    return off(kxx, n) + off(kyy, m) - 2 * kxy.mean()


def prior_sampler(spec, d):
    spec = spec.replace(" ", "")
    if spec == "gaussian":
        return lambda n: torch.randn(n, d)
    if spec.startswith("gaussian("):
        mu, sd = [float(v) for v in spec[9:-1].split(",")]
        return lambda n: torch.randn(n, d) * sd + mu
    if spec.startswith("uniform"):
        lo, hi = [float(v) for v in spec[8:-1].split(",")] if "(" in spec else (-1.0, 1.0)
        return lambda n: torch.rand(n, d) * (hi - lo) + lo
    raise SystemExit(f"prior {spec}: the reference knows gaussian[(m, s)] and uniform[(lo, hi)]")


# ---------------------------------------------------------------- models (src/core/models)


class Model:
    """Loss hooks as in sculpt: loss(x) -> (total, terms, codes); represent(encoder output)."""
    encoder_outputs = lambda self, d: d
    decoder_inputs = lambda self, d: d
    extra = ()

    def __init__(self, a, d, pixels, n):
        self.a, self.d, self.pixels, self.n = a, d, pixels, n

    def represent(self, e):
        return e

    def decoder_input(self, z):
        return z

    def after_step(self, codes):
        return {}


class AE(Model):
    def loss(self, x, enc, dec):
        z = enc(x)
        r = reconstruction(x, dec(z), self.a.recon)
        return r, {"recon": r}, z


class AEMMD(Model):
    """models/ae-mmd.ts: reconstruction + λ·MMD²(codes, as many prior samples), biased, λ 0.3."""
    def __init__(self, *args):
        super().__init__(*args)
        self.sample = prior_sampler(self.a.prior, self.d)

    def loss(self, x, enc, dec):
        z = enc(x)
        r = reconstruction(x, dec(z), self.a.recon)
        m = mmd2(z, self.sample(z.shape[0]), self.a.kernel, self.a.estimator)
        return r + self.a.lam * m, {"recon": r, "mmd": m}, z


class GaussianModel(Model):
    encoder_outputs = lambda self, d: 2 * d

    def represent(self, e):
        return e[:, :self.d]


class VAE(GaussianModel):
    """models/vae.ts: reconstruction + β·KL/pixels (β 1; β-VAE 4)."""
    def loss(self, x, enc, dec):
        mu, lv = split_gaussian(enc(x), self.d)
        r = reconstruction(x, dec(reparameterize(mu, lv)), self.a.recon)
        kl = gaussian_kl(mu, lv).mean() / self.pixels
        return r + self.a.beta * kl, {"recon": r, "kl": kl}, mu


def log_normal(z, mu, lv):
    return -0.5 * (math.log(2 * math.pi) + lv + (z - mu) ** 2 / lv.exp())


class BetaTCVAE(GaussianModel):
    """models/beta-tcvae.ts: MI + β·TC + dimension-wise KL by minibatch weighted sampling, /pixels."""
    def loss(self, x, enc, dec):
        mu, lv = split_gaussian(enc(x), self.d)
        z = reparameterize(mu, lv)
        r = reconstruction(x, dec(z), self.a.recon)
        log_nm = math.log(z.shape[0] * self.n)
        mat = log_normal(z[:, None, :], mu[None], lv[None])  # [B, B, d]
        log_qz = torch.logsumexp(mat.sum(2), 1) - log_nm
        log_prod = (torch.logsumexp(mat, 1) - log_nm).sum(1)
        log_qzx = log_normal(z, mu, lv).sum(1)
        log_pz = log_normal(z, torch.zeros_like(z), torch.zeros_like(z)).sum(1)
        mi = (log_qzx - log_qz).mean() / self.pixels
        tc = (log_qz - log_prod).mean() / self.pixels
        dw = (log_prod - log_pz).mean() / self.pixels
        return r + mi + self.a.beta * tc + dw, {"recon": r, "mi": mi, "tc": tc, "dwkl": dw}, mu


class FactorVAE(GaussianModel):
    """models/factor-vae.ts: VAE + γ·TC/pixels, TC = mean(D0 − D1) of an MLP (4 × 256 leaky ReLU)
    on sampled codes; after each step the discriminator (own Adam 1e-4, β (0.5, 0.9)) learns the
    step's mean codes (class 0) against their dimension-wise permutation (class 1)."""
    def __init__(self, *args):
        super().__init__(*args)
        layers, w = [], self.d
        for _ in range(4):
            layers += [nn.Linear(w, 256), nn.LeakyReLU(0.2)]; w = 256
        self.disc = nn.Sequential(*layers, nn.Linear(w, 2))
        self.disc.requires_grad_(False)  # not trained by the VAE's loss
        self.opt = torch.optim.Adam(self.disc.parameters(), 1e-4, betas=(0.5, 0.9), eps=1e-8)

    def loss(self, x, enc, dec):
        mu, lv = split_gaussian(enc(x), self.d)
        z = reparameterize(mu, lv)
        r = reconstruction(x, dec(z), self.a.recon)
        kl = gaussian_kl(mu, lv).mean() / self.pixels
        logits = self.disc(z)
        tc = (logits[:, 0] - logits[:, 1]).mean() / self.pixels
        return r + kl + self.a.gamma * tc, {"recon": r, "kl": kl, "tc": tc}, mu

    def after_step(self, codes):
        real = codes.detach()
        b = real.shape[0]
        fake = torch.stack([real[torch.randperm(b), k] for k in range(self.d)], 1)
        labels = torch.cat([torch.zeros(b, dtype=torch.long), torch.ones(b, dtype=torch.long)])
        self.disc.requires_grad_(True)
        loss = F.cross_entropy(self.disc(torch.cat([real, fake])), labels)
        self.opt.zero_grad(); loss.backward(); self.opt.step()
        self.disc.requires_grad_(False)
        return {"discriminator": float(loss)}


class DGAE(Model):
    """models/dgae.ts: batch min–max stretched codes s = ẑ·γ·α + β (γ 0.01, β π trainable, α 1),
    neighbour-scaled noise (no gradient), cos/sin embedding into the decoder; moving min/range
    (momentum 0.99) for the representation; reconstruction only."""
    decoder_inputs = lambda self, d: 2 * d

    def __init__(self, *args):
        super().__init__(*args)
        self.gamma = torch.full((self.d,), 0.01, requires_grad=True)
        self.beta = torch.full((self.d,), math.pi, requires_grad=True)
        self.extra = (self.gamma, self.beta)
        self.mag = torch.ones(self.d)
        self.min = torch.full((self.d,), math.pi)

    def stretch(self, zhat):
        return zhat * self.gamma + self.beta  # α = 1

    def represent(self, e):
        return self.stretch((e - self.min) / self.mag)

    def decoder_input(self, s):
        a = 2 * math.pi * s
        return torch.stack([a.cos(), a.sin()], 2).flatten(1)

    def loss(self, x, enc, dec):
        z = enc(x)
        lo = z.min(0).values
        mag = (z.max(0).values - lo).clamp_min(1e-12)
        s = self.stretch((z - lo) / mag)
        with torch.no_grad():
            diff = (s[:, None, :] - s[None, :, :]).abs()
            nearest = torch.where(diff > 0, diff, torch.full_like(diff, 100.0)).amin(1)
            noise = torch.randn_like(s) * nearest
            self.mag = 0.99 * self.mag + 0.01 * mag
            self.min = 0.99 * self.min + 0.01 * lo
        r = reconstruction(x, dec(self.decoder_input(s + noise)), self.a.recon)
        return r, {"recon": r}, s


class BatchKL(Model):
    """models/batch-kl.ts: reconstruction + λ·KL(N(mean, Cov + 1e-6·I) of the batch's codes ‖ N(0, I))."""
    def loss(self, x, enc, dec):
        z = enc(x)
        r = reconstruction(x, dec(z), self.a.recon)
        b, d = z.shape
        m = z.mean(0)
        c = z - m
        cov = c.T @ c / max(b - 1, 1) + 1e-6 * torch.eye(d)
        logdet = 2 * torch.linalg.cholesky(cov).diagonal().clamp_min(1e-12).log().sum()
        kl = 0.5 * (cov.trace() + (m * m).sum() - d - logdet)
        return r + self.a.lam * kl, {"recon": r, "kl": kl}, z


MODELS = {"ae": AE, "ae-mmd": AEMMD, "vae": VAE, "beta-vae": VAE, "beta-tcvae": BetaTCVAE,
          "factor-vae": FactorVAE, "dgae": DGAE, "batch-kl": BatchKL}
BETA = {"vae": 1.0, "beta-vae": 4.0, "beta-tcvae": 4.0}


# ---------------------------------------------------------------- commands


def nchw(path):
    x = np.load(path).astype(np.float32)  # N, H, W, C
    return torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))


def networks(arch, model, d):
    shape = (arch["input"]["channels"], arch["input"]["height"], arch["input"]["width"])
    enc, code = build(arch["encoder"], shape)
    if code[0] != model.encoder_outputs(d):
        raise SystemExit(f"the architecture's encoder gives {code[0]} outputs; this model needs {model.encoder_outputs(d)}"
                         " (use the architecture sculpt builds for this model)")
    dec, out = build(arch["decoder"], (model.decoder_inputs(d),))
    assert tuple(out) == shape, (out, shape)
    return enc, dec


def train(a):
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    arch = json.load(open(a.arch))
    X, E = nchw(a.images), nchw(a.eval_images)
    n, d = X.shape[0], arch["latentDim"]
    a.beta = a.beta if a.beta is not None else BETA.get(a.model, 1.0)
    model = MODELS[a.model](a, d, X[0].numel(), n)
    enc, dec = networks(arch, model, d)
    opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()) + list(model.extra), a.lr, eps=1e-8)
    per_epoch = math.ceil(n / a.batch)
    total = max(1, round(a.epochs * per_epoch))
    hist, step, t0 = [], 0, time.time()
    while step < total:
        perm, sums, count = torch.randperm(n), {}, 0
        for b in range(0, n, a.batch):
            if step >= total:
                break
            x = X[perm[b:b + a.batch]]
            loss, terms, codes = model.loss(x, enc, dec)
            opt.zero_grad(); loss.backward(); opt.step()
            terms = {"loss/total": float(loss), **{"loss/" + k: float(v) for k, v in terms.items()}}
            terms.update({"loss/" + k: v for k, v in model.after_step(codes).items()})
            if not all(math.isfinite(v) for v in terms.values()):
                raise SystemExit(f"non-finite loss at step {step}: {terms}")
            for k, v in terms.items():
                sums[k] = sums.get(k, 0.0) + v
            step += 1; count += 1
        hist.append({"epoch": len(hist) + 1, "step": step, **{k: v / count for k, v in sums.items()}})
    secs = time.time() - t0
    with torch.no_grad():
        Z = torch.cat([model.represent(enc(E[i:i + 256])) for i in range(0, len(E), 256)])
        R = torch.cat([torch.sigmoid(dec(model.decoder_input(Z[i:i + 256]))) for i in range(0, len(E), 256)])
        nmse = float(((E - R) ** 2).sum() / (E ** 2).sum())
    np.save(a.out[:-5] + ".latents.npy", Z.numpy().astype(np.float32))
    res = {"model": a.model, "kernel": a.kernel, "prior": a.prior, "epochs": a.epochs, "batch": a.batch,
           "seed": a.seed, "steps": total, "seconds": secs, "torch": torch.__version__,
           "nmseDb": 10 * math.log10(nmse), "codeStd": Z.std(0).tolist(), "history": hist}
    # Latents first, then the result through a temporary name: a finished out file means a finished run.
    with open(a.out + ".tmp", "w") as f:
        json.dump(res, f, indent=1)
    os.replace(a.out + ".tmp", a.out)


def forward(a):
    torch.set_num_threads(a.threads)
    arch = json.load(open(a.arch))
    a.recon = "bce_logits"
    a.kernel, a.estimator, a.prior = "rbf-mixture", "biased", "gaussian"
    model = MODELS[a.model](a, arch["latentDim"], 0, 0)
    if a.model == "ae-mmd":
        # Step i's prior batch from --prior-samples ([steps, batch, d], NaN rows pad a short batch).
        if not a.prior_samples:
            raise SystemExit("forward --model ae-mmd needs --prior-samples (sculpt's prior draws)")
        draws, step = np.load(a.prior_samples).astype(np.float32), [0]

        def sample(n):
            y = draws[step[0]][:n]
            step[0] += 1
            assert not np.isnan(y).any(), "fewer prior samples than codes"
            return torch.from_numpy(y)
        model.sample = sample
    enc, dec = networks(arch, model, arch["latentDim"])
    flat = np.load(a.weights).astype(np.float32)
    params = tfjs_params(enc) + tfjs_params(dec)
    at = 0
    with torch.no_grad():
        for p, view in params:
            # p's TensorFlow.js shape: the inverse of `view` applied to PyTorch's layout
            shape = tuple(p.shape) if view is None else (
                tuple(p.shape[::-1]) if p.dim() == 2 else (p.shape[2], p.shape[3], p.shape[1], p.shape[0]))
            size = int(np.prod(shape))
            t = torch.from_numpy(flat[at:at + size].reshape(shape)); at += size
            p.copy_(t if view is None else view(t))
    assert at == flat.size, (at, flat.size)
    x = nchw(a.images)
    if a.steps:
        # Adam on consecutive batches; writes each step's loss, then every weight (TF.js layout).
        opt = torch.optim.Adam([p for p, _ in params], a.lr, eps=a.eps)
        losses = []
        # --order: row i holds step i's image indices (−1 pads a short batch), as sculpt drew them.
        order = np.load(a.order).astype(np.int64) if a.order else None
        for i in range(a.steps):
            xb = x[i * a.batch:(i + 1) * a.batch] if order is None else x[torch.from_numpy(order[i][order[i] >= 0])]
            loss, _, _ = model.loss(xb, enc, dec)
            opt.zero_grad(); loss.backward(); opt.step()
            losses.append(loss.detach().reshape(1))
        ws = [(p.detach() if view is None else (p.detach().T if p.dim() == 2 else p.detach().permute(2, 3, 1, 0))).contiguous().flatten()
              for p, view in params]
        np.save(a.out, torch.cat(losses + ws).numpy().astype(np.float32))
        return
    z = enc(x)
    logits = dec(z)
    loss = reconstruction(x, logits, "bce_logits")
    loss.backward()
    grads = []
    for p, view in params:
        g = p.grad
        # back to the TensorFlow.js layout
        g = g if view is None else (g.T if g.dim() == 2 else g.permute(2, 3, 1, 0))
        grads.append(g.detach().contiguous().flatten())
    out = torch.cat([z.detach().flatten(), logits.detach().permute(0, 2, 3, 1).flatten(),
                     loss.detach().reshape(1)] + grads)
    np.save(a.out, out.numpy().astype(np.float32))


def timing(a):
    """Training throughput of AE-MMD on the architecture, on random inputs (bench/train.ts): the
    median wall and process-CPU time (all threads) of a step after a few warm-up steps; one JSON line."""
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    arch = json.load(open(a.arch))
    d = arch["latentDim"]
    a.kernel, a.estimator, a.prior, a.lam, a.recon = "rbf-mixture", "biased", "gaussian", 0.3, "bce_logits"
    model = AEMMD(a, d, 0, 0)
    enc, dec = networks(arch, model, d)
    opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), 5e-4, eps=1e-8)
    x = torch.rand(a.batch, arch["input"]["channels"], arch["input"]["height"], arch["input"]["width"])

    def step():
        loss, _, _ = model.loss(x, enc, dec)
        opt.zero_grad(); loss.backward(); opt.step()

    for _ in range(a.warmup):
        step()
    wall, cpu = [], []
    for _ in range(a.steps):
        w, c = time.perf_counter(), time.process_time()
        step()
        wall.append(time.perf_counter() - w); cpu.append(time.process_time() - c)
    ms = float(np.median(wall)) * 1000
    print(json.dumps({"imagesPerSecond": a.batch * 1000 / ms, "msPerStep": ms,
                      "cpuMsPerStep": float(np.median(cpu)) * 1000, "batch": a.batch,
                      "threads": torch.get_num_threads(), "torch": torch.__version__}))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train")
    t.add_argument("arch"); t.add_argument("images"); t.add_argument("eval_images"); t.add_argument("out")
    t.add_argument("--model", required=True, choices=sorted(MODELS))
    t.add_argument("--kernel", default="rbf-mixture", choices=sorted(KERNELS))
    t.add_argument("--estimator", default="biased", choices=["biased", "unbiased"])
    t.add_argument("--prior", default="gaussian")
    t.add_argument("--lam", type=float, default=0.3)
    t.add_argument("--beta", type=float, default=None)
    t.add_argument("--gamma", type=float, default=10.0)
    t.add_argument("--recon", default="bce_logits", choices=["bce_logits", "mse"])
    t.add_argument("--epochs", type=float, default=20); t.add_argument("--batch", type=int, default=64)
    t.add_argument("--seed", type=int, default=0); t.add_argument("--lr", type=float, default=5e-4)
    t.add_argument("--threads", type=int, default=1)
    f = sub.add_parser("forward")
    f.add_argument("arch"); f.add_argument("weights"); f.add_argument("images"); f.add_argument("out")
    f.add_argument("--threads", type=int, default=1)
    f.add_argument("--steps", type=int, default=0, help="instead: this many Adam steps on consecutive batches")
    f.add_argument("--batch", type=int, default=8); f.add_argument("--lr", type=float, default=5e-4)
    f.add_argument("--eps", type=float, default=1e-8)
    f.add_argument("--model", default="ae", choices=["ae", "batch-kl", "ae-mmd"],
                   help="with --steps: the loss (deterministic encoders; ae-mmd, Gaussian prior and RBF mixture, with --prior-samples)")
    f.add_argument("--prior-samples", help="with --model ae-mmd: [steps, batch, d] prior draws, one batch per step")
    f.add_argument("--lam", type=float, default=0.3)
    f.add_argument("--order", help="with --steps: an [steps, batch] index array into IMAGES (−1 pads) instead of consecutive batches")
    m = sub.add_parser("time")
    m.add_argument("arch"); m.add_argument("--batch", type=int, default=64)
    m.add_argument("--steps", type=int, default=20); m.add_argument("--warmup", type=int, default=3)
    m.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    if a.cmd == "time":
        timing(a)
    elif a.cmd == "train":
        if not a.out.endswith(".json"):
            raise SystemExit("OUT must end in .json")
        train(a)
    else:
        forward(a)


if __name__ == "__main__":
    main()
