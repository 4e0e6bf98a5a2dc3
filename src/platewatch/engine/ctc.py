"""CTC decoding in numpy: greedy path with per-character confidences, prefix beam search for top-N."""

from __future__ import annotations

import math
from operator import itemgetter

import numpy as np

PRUNE = 1e-3
"""Characters below this probability at a time step are not extended (keeps the search small)."""


def greedy_decode(probs: np.ndarray, charset: str, blank: int = 0) -> tuple[str, tuple[float, ...]]:
    """Best class per step, repeats merged, blanks dropped; each character's confidence is the
    highest probability over the steps that emitted it. `probs` is T×C (softmax, not log)."""
    best = probs.argmax(axis=1)
    text: list[str] = []
    confs: list[float] = []
    prev = blank
    for t, k in enumerate(best):
        k = int(k)
        if k != blank:
            if k != prev:
                text.append(charset[k - 1 if blank == 0 else k])
                confs.append(float(probs[t, k]))
            else:
                confs[-1] = max(confs[-1], float(probs[t, k]))
        prev = k
    return "".join(text), tuple(confs)


def _logsumexp(a: float, b: float) -> float:
    if a == -math.inf:
        return b
    if b == -math.inf:
        return a
    m = max(a, b)
    return m + math.log(math.exp(a - m) + math.exp(b - m))


def beam_search(
    probs: np.ndarray, charset: str, blank: int = 0, beam: int = 8, topn: int = 5
) -> list[tuple[str, float]]:
    """CTC prefix beam search over T×C probabilities; the `topn` best texts with P(text) in 0..1."""
    # Python floats and lists up front: indexing numpy scalars in the inner loop costs more than the search.
    logp = np.log(np.clip(probs, 1e-12, 1.0)).tolist()
    rows, cols = np.nonzero(probs > PRUNE)
    actives: list[list[int]] = [[] for _ in range(probs.shape[0])]
    for t, k in zip(rows.tolist(), cols.tolist(), strict=True):
        actives[t].append(k)
    ninf = -math.inf
    lse = _logsumexp
    # prefix -> (log P ending in blank, log P ending in non-blank)
    beams: dict[tuple[int, ...], tuple[float, float]] = {(): (0.0, ninf)}
    for t, active in enumerate(actives):
        if blank not in active:
            active.append(blank)
        row = logp[t]
        if len(active) == 1:
            # Only the blank is likely: every prefix just ends in a blank now, and the order is unchanged.
            lb = row[blank]
            beams = {prefix: (lse(pb, pnb) + lb, ninf) for prefix, (pb, pnb) in beams.items()}
            continue
        nxt: dict[tuple[int, ...], list[float]] = {}
        for prefix, (pb, pnb) in beams.items():
            total = lse(pb, pnb)
            last = prefix[-1] if prefix else None
            for k in active:
                lp = row[k]
                if k == blank:
                    e = nxt.setdefault(prefix, [ninf, ninf])
                    e[0] = lse(e[0], total + lp)
                    continue
                e = nxt.setdefault((*prefix, k), [ninf, ninf])
                if k == last:
                    e[1] = lse(e[1], pb + lp)  # a repeat needs a blank in between
                    same = nxt.setdefault(prefix, [ninf, ninf])
                    same[1] = lse(same[1], pnb + lp)  # staying on the same character
                else:
                    e[1] = lse(e[1], total + lp)
        # Each prefix's total once (the sort is stable, so ties keep the order they were met in).
        scored = sorted(((lse(v[0], v[1]), p, v) for p, v in nxt.items()), key=itemgetter(0), reverse=True)[:beam]
        beams = {p: (v[0], v[1]) for _, p, v in scored}
    out = []
    offset = 1 if blank == 0 else 0
    final = sorted(((lse(pb, pnb), p) for p, (pb, pnb) in beams.items()), key=itemgetter(0), reverse=True)[:topn]
    for total, prefix in final:
        out.append(("".join(charset[k - offset] for k in prefix), math.exp(total)))
    return out


def softmax(logits: np.ndarray, axis: int = -1) -> np.ndarray:
    """Softmax (also turns log-probabilities back into probabilities)."""
    z = logits - logits.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=axis, keepdims=True), dtype=np.float32)
