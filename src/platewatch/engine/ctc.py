"""CTC decoding in numpy: greedy path with per-character confidences, prefix beam search for top-N."""

from __future__ import annotations

import math
from collections import defaultdict

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
    keep = probs > PRUNE
    ninf = -math.inf
    # prefix -> (log P ending in blank, log P ending in non-blank)
    beams: dict[tuple[int, ...], tuple[float, float]] = {(): (0.0, ninf)}
    for t in range(probs.shape[0]):
        active = np.flatnonzero(keep[t]).tolist()
        if blank not in active:
            active.append(blank)
        row = logp[t]
        if len(active) == 1:
            # Only the blank is likely: every prefix just ends in a blank now, and the order is unchanged.
            lb = row[blank]
            beams = {prefix: (_logsumexp(pb, pnb) + lb, ninf) for prefix, (pb, pnb) in beams.items()}
            continue
        nxt: dict[tuple[int, ...], list[float]] = defaultdict(lambda: [ninf, ninf])
        for prefix, (pb, pnb) in beams.items():
            total = _logsumexp(pb, pnb)
            for k in active:
                lp = row[k]
                if k == blank:
                    e = nxt[prefix]
                    e[0] = _logsumexp(e[0], total + lp)
                    continue
                last = prefix[-1] if prefix else None
                ext = (*prefix, k)
                e = nxt[ext]
                if k == last:
                    e[1] = _logsumexp(e[1], pb + lp)  # a repeat needs a blank in between
                    same = nxt[prefix]
                    same[1] = _logsumexp(same[1], pnb + lp)  # staying on the same character
                else:
                    e[1] = _logsumexp(e[1], total + lp)
        ranked = sorted(nxt.items(), key=lambda kv: _logsumexp(*kv[1]), reverse=True)[:beam]
        beams = {p: (v[0], v[1]) for p, v in ranked}
    out = []
    offset = 1 if blank == 0 else 0
    for prefix, (pb, pnb) in sorted(beams.items(), key=lambda kv: _logsumexp(*kv[1]), reverse=True)[:topn]:
        text = "".join(charset[k - offset] for k in prefix)
        out.append((text, math.exp(_logsumexp(pb, pnb))))
    return out


def softmax(logits: np.ndarray, axis: int = -1) -> np.ndarray:
    """Softmax (also turns log-probabilities back into probabilities)."""
    z = logits - logits.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=axis, keepdims=True), dtype=np.float32)
