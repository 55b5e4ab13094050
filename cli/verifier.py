"""`onrecord fit verifier` and `onrecord eval verifier`: the generated-answer verifier's content
scorer fitted on QMSum train's adversarial set, and its scores by kind of perturbation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cli.fit import fits
from cli.options import TRAIN, console, errors, load_settings, refuse_val, reports_errors

app = typer.Typer()
LABELS = {
    "true": "true (wrongly dropped)",
    "perturbed": "all perturbed (caught)",
    "beyond": "beyond its gold spans (in neither)",  # gives what no gold turn holds: not counted as true
}
VAL = Path("../shared/data/qmsum/val")


@fits.command("verifier")
@reports_errors
def fit_verifier_command(
    data: Annotated[Path, typer.Option(help="QMSum split to fit on (never val: it is for reporting)")] = TRAIN,
    limit: Annotated[int | None, typer.Option(help="at most this many meetings, spread over the split")] = 60,
    out: Annotated[Path | None, typer.Option(help="coefficients file [default: answer/written/]")] = None,
) -> None:
    """Fit whether a generated sentence's content is in the passages it cites, on QMSum train."""
    from answer.written.verify import MODEL_FILE
    from eval.verifier import adversarial_cases, cached, fit_verifier, split_rarity
    from index.embedding import load_embedder

    refuse_val(data)
    with errors.status(f"building the adversarial set of {data} and embedding it..."):
        cases = adversarial_cases(data, limit)
        limited = f" --limit {limit}" if limit else ""
        described = (
            f"QMSum {data.name}: {len(cases)} sentences ({sum(c.true for c in cases)} true); "
            f"by `onrecord fit verifier --data {data.as_posix()}{limited}`"
        )
        embed = cached(load_embedder(load_settings()))
        model = fit_verifier(cases, embed, described, split_rarity(data, limit))
    target = out or MODEL_FILE
    model.save(target)
    console.print(f"wrote {target}: content threshold {model.threshold:.3f} ({described})", highlight=False)


def evaluate_verifier(data: Path, limit: int | None, out: Path | None) -> None:
    """`onrecord eval verifier`: the table by perturbation kind, and reports/verifier/."""
    from answer.written.verify import default_verifier
    from eval.verifier import adversarial_cases, cached, checked, split_rarity, table
    from index.embedding import load_embedder

    with errors.status(f"building the adversarial set of {data} and checking every sentence..."):
        cases = adversarial_cases(data, limit)
        embed = cached(load_embedder(load_settings()))
        results = checked(cases, embed, default_verifier(), split_rarity(data, limit))
    summary = table(cases, results)
    view = Table("kind", "sentences", "dropped", "share", title=f"Verifier on QMSum {data.name}")
    for kind, row in summary.items():
        label = LABELS.get(kind, kind)
        view.add_row(label, str(row["cases"]), str(row["dropped"]), f"{row['share']:.3f}")
    console.print(view)
    folder = out or Path("reports") / "verifier"
    folder.mkdir(parents=True, exist_ok=True)
    examples = [
        {"kind": case.kind, "sentence": case.sentence, "supported": result.supported, "reason": result.reason}
        for case, result in zip(cases, results, strict=True)
    ]
    (folder / "results.json").write_text(json.dumps({"summary": summary, "sentences": examples}, indent=1))
    console.print(f"report: {folder}/results.json", highlight=False)
