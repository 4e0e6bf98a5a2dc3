"""Hot-list matching throughput: the index vs a naive scan, at 10 k, 100 k and 1 M entries, one core.

Usage: python -m benchmarks.matching [--sizes 10000 100000 1000000] [--reads 200000]
Each read has its top text and two OCR candidates (one look-alike variant and one misread). Each phase also reports
the CPU seconds of this process, and each size the machine's load.
"""

from __future__ import annotations

import argparse
import os
import random
import resource

from benchmarks.process_cpu import Trees
from benchmarks.report import load_1min, load_span, write_section
from platewatch.domain.hotlists import Category, HotListEntry
from platewatch.domain.matching import HotListIndex, ListedEntry, naive_match
from platewatch.server.hotlists.batch_index import BatchIndex, ListIndex

LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
DIGITS = "0123456789"
SWAP = {"B": "8", "O": "0", "S": "5", "I": "1", "Z": "2", "8": "B", "0": "O", "5": "S", "1": "I", "2": "Z"}


def plate(rng: random.Random) -> str:
    shape = rng.choice(["LLLDDDD", "LLLDDD", "DLLLDDD", "LLDDDDD", "DDDLLL"])
    return "".join(rng.choice(LETTERS if c == "L" else DIGITS) for c in shape)


def reads(rng: random.Random, n: int, listed: list[str], hit_share: float = 0.01) -> list[list[str]]:
    out = []
    for _ in range(n):
        top = rng.choice(listed) if rng.random() < hit_share else plate(rng)
        lookalike = "".join(SWAP.get(c, c) if rng.random() < 0.3 else c for c in top)
        misread = top[:-1] + rng.choice(DIGITS)
        out.append([top, lookalike, misread])
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--reads", type=int, default=200_000)
    ap.add_argument("--naive-reads", type=int, default=20)
    ap.add_argument(
        "--batch", type=int, nargs="+", default=[1000, 50_000], help="reads per call of the vectorized index"
    )
    ap.add_argument("--served-batch", type=int, default=1000, help="reads per call of the server's matcher")
    args = ap.parse_args()
    rng = random.Random(11)
    me = Trees({"benchmark": os.getpid()})
    rows = []
    cpu_rows: list[tuple[int, list[float], list[float], str]] = []
    for size in args.sizes:
        load_before = load_1min()
        plates = list({plate(rng) for _ in range(int(size * 1.1))})[:size]
        listed = [ListedEntry(HotListEntry(p, "CT", Category.STOLEN_VEHICLE), "ncic", 2) for p in plates]
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        with me.spending() as building:
            index = HotListIndex(listed)
        build = building.wall
        rss = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024
        batch = reads(rng, args.reads, plates)
        with me.spending() as per_read:
            hits = sum(len(index.match(texts)) for texts in batch)
        indexed = args.reads / per_read.wall
        with me.spending() as batch_building:
            bindex = BatchIndex(plates)
        batch_build = batch_building.wall
        vectorized, cpu = [], [per_read.cpu["benchmark"]]
        for size_of_batch in args.batch:
            batch_hits = 0
            with me.spending() as batched:
                for start in range(0, len(batch), size_of_batch):
                    batch_hits += len(bindex.match(batch[start : start + size_of_batch]))
            vectorized.append(args.reads / batched.wall)
            cpu.append(batched.cpu["benchmark"])
            if hits != batch_hits:
                raise SystemExit(f"the two indexes disagree: {hits} vs {batch_hits} hits")
        # The server's whole matcher (`alerts.service.raise_alerts` calls ListIndex.match): the batch index and a
        # `make_hit` for each hit, 1,000 reads a call as one ingest request; with approximate matching on for the
        # list, and with it off (how big lists are created: only exact hits are kept).
        served, list_builds = [], []
        for exact_only in ((), {"ncic"}):
            with me.spending() as list_building:
                lindex = ListIndex(listed, exact_only=exact_only)
            list_build = list_building.wall
            list_builds.append(list_building.cpu["benchmark"])
            with_state = [(texts, None) for texts in batch]
            made = 0
            with me.spending() as serving:
                for start in range(0, len(batch), args.served_batch):
                    made += sum(map(len, lindex.match(with_state[start : start + args.served_batch])))
            served.append((args.reads / serving.wall, list_build))
            cpu.append(serving.cpu["benchmark"])
            if not exact_only and made != hits:
                raise SystemExit(f"the server's matcher disagrees: {made} vs {hits} hits")
            del lindex
        few = batch[: args.naive_reads]
        with me.spending() as scanning:
            for texts in few:
                naive_match(listed, texts)
        naive = len(few) / scanning.wall
        builds = [building.cpu["benchmark"], batch_building.cpu["benchmark"], *list_builds]
        per_read_cpu = [seconds * 1e6 / args.reads for seconds in cpu] + [scanning.cpu["benchmark"] * 1e6 / len(few)]
        rates = f"{indexed:,.0f} reads/s, batch {[f'{v:,.0f}' for v in vectorized]} reads/s, naive {naive:,.1f}"
        print(size, f"build {build:.1f}s/{batch_build:.1f}s", rates, "served", served, hits, flush=True)
        rows.append((size, build, batch_build, rss, indexed, vectorized, naive, hits / args.reads, served))
        cpu_rows.append((size, builds, per_read_cpu, load_span(load_before)))
    body = [
        "## Hot-list matching",
        "",
        f"`python -m benchmarks.matching --sizes {' '.join(map(str, args.sizes))} --reads {args.reads}` (run by "
        "`make bench`): one core, one Python process. Each read carries its top text and two OCR candidates "
        "(a look-alike variant and a misread last character); 1 % of reads are listed plates. Exact, "
        "look-alike and one-edit matching on every candidate. *Per read*: `domain.matching.HotListIndex` "
        "(pure Python, one read at a time: the unit agent's path). *Batch*: "
        "`server.hotlists.batch_index.BatchIndex` (numpy), the server's matcher, called with "
        + " and ".join(f"{b:,}" for b in args.batch)
        + " reads a call (an ingest request holds up to 1,000; re-checks and retro-hit scans go by the "
        "tens of thousands); both indexes must find the same hits or the run fails. *Server's matcher*: "
        "`ListIndex.match`, what `alerts.service.raise_alerts` calls at ingest: the batch index and a `Hit` from "
        "`domain.matching.make_hit` for each hit (state rule `lower`), once with approximate matching on for the list "
        "(the same hits again, or the run fails) and once with it off (only exact hits kept; the list's "
        "look-alike and one-edit tables are not built). The naive scan compares "
        "every entry. Random plates: at 1 M entries nearly every read is one edit from some entry (see hits "
        "per read) — why big lists are created with approximate matching off.",
        "",
        "| entries | build s (per read / batch) | per-read index reads/s | "
        + " | ".join(f"batch index, {b:,} a call, reads/s" for b in args.batch)
        + f" | server's matcher with `make_hit`, {args.served_batch:,} a call, reads/s (build s): approximate on"
        " | same, approximate off | naive scan reads/s | best vs naive | hits per read |",
        "|---|---|---|" + "---|" * len(args.batch) + "---|---|---|---|---|",
    ]
    body += [
        f"| {s:,} | {b:.1f} / {bb:.1f} | {i:,.0f} | "
        + " | ".join(f"{x:,.0f}" for x in v)
        + "".join(f" | {rate:,.0f} ({built:.1f})" for rate, built in sv)
        + f" | {n:,.2f} | {max(v) / n:,.0f}× | {h:.3f} |"
        for s, b, bb, _m, i, v, n, h, sv in rows
    ]
    body += [
        "",
        "CPU of this process (user + system, all its threads) in each phase, per read (µs; the naive scan in ms), "
        "and the 1-minute load average when each size started → when it ended: CPU near the wall time (1 / the "
        "rate) means the process had its core; well below it, that other work on the machine took turns with it.",
        "",
        "| entries | build CPU s (per read / batch / server's, approximate on / off) | per-read index µs/read | "
        + " | ".join(f"batch index, {b:,} a call, µs/read" for b in args.batch)
        + " | server's matcher, approximate on, µs/read | approximate off, µs/read | naive scan ms/read | 1-min load |",
        "|---|---|---|" + "---|" * len(args.batch) + "---|---|---|---|",
    ]
    body += [
        f"| {s:,} | {' / '.join(f'{x:.1f}' for x in b)} | "
        + " | ".join(f"{x:,.2f}" for x in us[:-1])
        + f" | {us[-1] / 1000:,.1f} | {load} |"
        for s, b, us, load in cpu_rows
    ]
    write_section("matching", "\n".join(body))


if __name__ == "__main__":
    main()
