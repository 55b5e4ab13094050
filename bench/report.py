"""What `onrecord bench` writes for people: the latency plot and the performance page's benchmark section."""

from __future__ import annotations

import shutil
from pathlib import Path

PAGE_START = "<!-- bench:start -->"
PAGE_END = "<!-- bench:end -->"


def plot_latency(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(6.5, 4))
    sizes = [row["chunks"] for row in rows]
    for key, label in (("retrieve", "retrieval"), ("ask", "ask (retrieval + answer)")):
        axes.plot(sizes, [row[f"{key}_median_ms"] for row in rows], marker="o", label=f"{label}, median")
        axes.plot(sizes, [row[f"{key}_p95_ms"] for row in rows], marker="x", linestyle="--", label=f"{label}, p95")
    axes.set_xscale("log")
    axes.set_xlabel("chunks in the library")
    axes.set_ylabel("ms per question (warm)")
    axes.set_ylim(bottom=0)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def markdown(report: dict) -> str:
    ingest = report["ingest"]
    lines = [
        f"_Written by `onrecord bench` on {report['date']}: {report['machine']}; embedding backend "
        f"`{report['backend']}`. All figures: `reports/bench/bench.json`; plot: "
        "`reports/bench/latency_vs_size.png`._",
        "",
        "| target | goal | measured | |",
        "|---|---|---|---|",
        *[
            f"| {t['name']} | {t['goal']} | {t['measured']} | {'met' if t['met'] else '**missed**'} |"
            for t in report["targets"]
        ],
        "",
        f"Ingest of {len(ingest['files'])} files ({ingest['meetings']} meetings, {ingest['chunks']:,} chunks) into "
        "a fresh store, against plain `SentenceTransformer.encode` (PyTorch fp32) on the same chunk texts:",
        "",
        "| parse + chunk | embed | store write | keyword index | ingest total | plain encode | ratio |",
        "|---|---|---|---|---|---|---|",
        f"| {ingest['parse_chunk_s']:.2f} s | {ingest['embed_s']:.2f} s ({ingest['embed_chunks_per_s']:.0f} chunks/s) "
        f"| {ingest['store_s']:.2f} s | {ingest['keyword_s']:.2f} s | {ingest['total_s']:.2f} s "
        f"({ingest['chunks_per_s']:.0f} chunks/s) | {ingest['baseline_encode_s']:.2f} s "
        f"({ingest['baseline_chunks_per_s']:.0f} chunks/s) | {ingest['ratio']:.2f}x |",
        "",
        "Whole processes, from start to exit, each against a process that loads the model with plain "
        "sentence-transformers and encodes the same texts (taken in turn in the same run; medians):",
        "",
        "| command | texts | runs | time | peak RSS | plain encode process | its peak RSS | ratio |",
        "|---|---|---|---|---|---|---|---|",
        *[
            f"| `{p['command']}` | {p['texts']:,} | {p['runs']} | {p['seconds']:.2f} s | {p['peak_rss_mib']:,.0f} MiB "
            f"| {p['plain_seconds']:.2f} s | {p['plain_peak_rss_mib']:,.0f} MiB | {p['ratio']:.2f}x |"
            for p in report.get("process", [])
        ],
        "",
        "Query latency (100 QMSum val questions over the whole library, warm) and the process's peak "
        "resident memory, each library opened in a fresh process: once without its catalog snapshot (as "
        "after deleting `DATA_DIR/catalog/`), then from it, as every later start does:",
        "",
        "| chunks | vectors | retrieval median / p95 | full ask median / p95 | open, no snapshot (peak RSS) "
        "| open + first answer | peak RSS |",
        "|---|---|---|---|---|---|---|",
        *[
            f"| {row['chunks']:,} | {row['vectors']} | {row['retrieve_median_ms']:.0f} / "
            f"{row['retrieve_p95_ms']:.0f} ms | {row['ask_median_ms']:.0f} / {row['ask_p95_ms']:.0f} ms "
            f"| {row['first_open_s']:.1f} s ({row.get('first_open_peak_rss_mib', 0):,.0f} MiB) "
            f"| {row['open_and_first_answer_s']:.1f} s | {row['peak_rss_mib']:,.0f} MiB |"
            for row in report["scale"]
        ],
        "",
        "Cold start: from starting `onrecord serve` to the page served and to its first answer "
        "(`POST /api/ask`), median of the runs; then the server's peak memory, the most of the runs:",
        "",
        "| library | runs | page served | first answer | server peak RSS (after 10 questions) |",
        "|---|---|---|---|---|",
        *[
            f"| {start['library']} | {start['runs']} | {start['page_s']:.1f} s | {start['first_answer_s']:.1f} s "
            f"| {start['server_peak_rss_mib']:,.0f} MiB |"
            for start in report["startup"]
        ],
    ]
    if report.get("profiles"):
        lines += ["", "Profiles of the runs behind missed targets: " + ", ".join(f"`{p}`" for p in report["profiles"])]
    return "\n".join(lines)


def write_page_section(page: Path, section: str, plot: Path | None = None) -> bool:
    """Replace the text between the bench markers of a docs page, with the plot (copied beside the
    page) under it; False when the page has no markers."""
    text = page.read_text()
    if PAGE_START not in text or PAGE_END not in text:
        return False
    if plot is not None and plot.exists():
        shutil.copyfile(plot, page.parent / plot.name)
        section += f"\n\n![Query latency against library size]({plot.name})"
    before, rest = text.split(PAGE_START, 1)
    _, after = rest.split(PAGE_END, 1)
    page.write_text(f"{before}{PAGE_START}\n{section}\n{PAGE_END}{after}")
    return True
