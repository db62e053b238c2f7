"""Reproducible randomness: one independent stream per part of the demo, and exact splits.

Every generator draws from its own `random_stream(seed, *parts)`, so changing one part of
the demo leaves the others' numbers alone. Totals are split into integers that add up
exactly (largest remainder), which is how the calibrated sums stay exact.
"""

from __future__ import annotations

import random


def random_stream(seed: int, *parts: object) -> random.Random:
    """An independent, reproducible stream for one part of the demo."""
    return random.Random(":".join([str(seed), *map(str, parts)]))


def split_total(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """Split an integer total into integer parts proportional to weights (largest remainder)."""
    n = len(weights)
    rest = total - minimum * n
    if rest < 0:
        raise ValueError(f"cannot split {total} into {n} parts of at least {minimum}")
    wsum = sum(weights)
    raw = [rest * w / wsum for w in weights]
    parts = [int(x) for x in raw]
    order = sorted(range(n), key=lambda i: (-(raw[i] - parts[i]), i))
    for i in order[: rest - sum(parts)]:
        parts[i] += 1
    return [p + minimum for p in parts]


def split_total_capped(
    total: int, weights: list[float], caps: list[int], minimum: int = 0
) -> list[int]:
    """`split_total` with a per-part upper bound, redistributing what the caps cut off."""
    fixed: dict[int, int] = {}
    while True:
        free = [i for i in range(len(weights)) if i not in fixed]
        parts = split_total(total - sum(fixed.values()), [weights[i] for i in free], minimum)
        over = [(i, p) for i, p in zip(free, parts) if p > caps[i]]
        if not over:
            result = dict(fixed)
            result.update(zip(free, parts))
            return [result[i] for i in range(len(weights))]
        for i, _ in over:
            fixed[i] = caps[i]
