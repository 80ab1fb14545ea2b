"""Why AE-MMD's codes collapse on XY (d = 2) from PyTorch's initialisation: a step-by-step log.

    /usr/bin/python3 bench/collapse_probe.py ARCH.json IMAGES.npy [--lam 0.3] [--init torch|glorot]
        [--steps 100] [--every 10] [--seed 0] [--batch 64]

ARCH.json from `sculpt arch --dataset xy`, IMAGES.npy from `sculpt data export xy`. Trains the
reference AE-MMD of bench/torch_models.py (λ = 0 is the plain AE) and prints one JSON line every
--every steps, before that step's update:
  std, mean      the codes of 256 fixed training images, per dimension
  dead           fraction of the encoder's last hidden layer's units that are zero on all 256
  grad_recon, grad_mmd   ∂/∂codes of the batch's reconstruction loss and of MMD², each split
                 into the part shared by the whole batch (moves the codes' mean) and the rest
                 (moves codes apart or together), as root-mean-square per code
  radial         ⟨gradient, code − batch mean⟩ / ‖codes − batch mean‖: negative means a descent
                 step spreads the codes out
"""
import argparse
import json
import math
import os
import sys
import types

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_models as tm  # noqa: E402


def parts(g):
    mean = g.mean(0)
    return float(mean.norm()), float((g - mean).norm() / math.sqrt(g.shape[0]))


def radial(g, z):
    zc = z - z.mean(0)
    return float((g * zc).sum() / (zc.norm() + 1e-30))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("arch"); ap.add_argument("images")
    ap.add_argument("--lam", type=float, default=0.3)
    ap.add_argument("--init", default="torch", choices=["torch", "glorot"])
    ap.add_argument("--steps", type=int, default=100); ap.add_argument("--every", type=int, default=10)
    ap.add_argument("--seed", type=int, default=0); ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--kernel", default="rbf-mixture", choices=sorted(tm.KERNELS))
    a = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    arch = json.load(open(a.arch))
    X = tm.nchw(a.images)
    d = arch["latentDim"]
    opts = types.SimpleNamespace(prior="gaussian", kernel=a.kernel, estimator="biased", lam=a.lam, recon="bce_logits")
    model = tm.AEMMD(opts, d, X[0].numel(), X.shape[0])
    enc, dec = tm.networks(arch, model, d)
    if a.init == "glorot":  # sculpt's `init: glorot`: Glorot-uniform weights, zero biases
        for m in list(enc.modules()) + list(dec.modules()):
            if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
                nn.init.xavier_uniform_(m.weight)
                nn.init.zeros_(m.bias)
    opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), 5e-4, eps=1e-8)
    last = [m for m in enc.modules() if isinstance(m, nn.Linear)][-1]
    seen = {}
    last.register_forward_hook(lambda m, i, o: seen.__setitem__("hidden", i[0].detach()))
    n = X.shape[0]
    fixed = X[torch.randperm(n, generator=torch.Generator().manual_seed(99))[:256]]
    step = 0
    while step < a.steps:
        perm = torch.randperm(n)
        for b in range(0, n, a.batch):
            if step >= a.steps:
                break
            x = X[perm[b:b + a.batch]]
            z = enc(x)
            r = tm.reconstruction(x, dec(z), "bce_logits")
            m = tm.mmd2(z, model.sample(z.shape[0]), a.kernel)
            if step % a.every == 0:
                gr = torch.autograd.grad(r, z, retain_graph=True)[0]
                gm = torch.autograd.grad(m, z, retain_graph=True)[0]
                with torch.no_grad():
                    zf = enc(fixed)
                    h = seen["hidden"]
                print(json.dumps({
                    "step": step, "std": [round(v, 6) for v in zf.std(0).tolist()],
                    "mean": [round(v, 4) for v in zf.mean(0).tolist()],
                    "recon": round(float(r), 4), "mmd2": round(float(m), 4),
                    "dead": round(float(((h > 0).float().mean(0) == 0).float().mean()), 3),
                    "grad_recon": {"mean": f"{parts(gr)[0]:.2e}", "rest": f"{parts(gr)[1]:.2e}", "radial": f"{radial(gr, z):.2e}"},
                    "grad_mmd": {"mean": f"{parts(gm)[0]:.2e}", "rest": f"{parts(gm)[1]:.2e}", "radial": f"{radial(gm, z):.2e}"},
                }), flush=True)
            loss = r + a.lam * m
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1


if __name__ == "__main__":
    main()
