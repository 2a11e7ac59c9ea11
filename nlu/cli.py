"""``bizwatch nlu``: parse a message, train, evaluate on held-out data, export to Rasa."""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Optional

import typer

from nlu.paths import DEFAULT_CACHE_DIR

app = typer.Typer(help="Language understanding: parse, train, test, export-rasa.", no_args_is_help=True,
                  add_completion=False)


def _now(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"not an ISO 8601 date-time: {value!r}", param_hint="--now") from None
    if parsed.tzinfo is None:
        from zoneinfo import ZoneInfo

        parsed = parsed.replace(tzinfo=ZoneInfo("Europe/London"))
    return parsed


@app.command()
def parse(
    text: str = typer.Argument(..., metavar="TEXT", help="The message to parse."),
    now: Optional[str] = typer.Option(None, metavar="ISO-TIME",
                                      help="Message time for relative dates, e.g. 2024-11-27T16:00 (default: now)."),
    interpreter: str = typer.Option("embedded", metavar="embedded|rasa", envvar="BIZWATCH_INTERPRETER",
                                    help="The in-process model, or a Rasa server."),
    rasa_url: Optional[str] = typer.Option(None, metavar="URL", envvar="BIZWATCH_RASA_URL",
                                           help="Rasa server address (for --interpreter rasa)."),
    rasa_token: Optional[str] = typer.Option(None, metavar="TOKEN", envvar="BIZWATCH_RASA_TOKEN",
                                             help="Rasa server token, if it needs one."),
    timeout: float = typer.Option(3.0, metavar="SECONDS", envvar="BIZWATCH_RASA_TIMEOUT_SECONDS",
                                  help="How long to wait for the Rasa server."),
    cache_dir: str = typer.Option(DEFAULT_CACHE_DIR, metavar="DIR", envvar="BIZWATCH_NLU_CACHE_DIR",
                                  help="Where the trained model is kept between runs."),
) -> None:
    """Print the parse of TEXT as one JSON object (Rasa /model/parse shape)."""
    from nlu.factory import build_interpreter
    from nlu.interpreter import InterpreterUnavailable

    try:
        result = build_interpreter(interpreter, rasa_url=rasa_url, rasa_token=rasa_token, timeout=timeout,
                                   cache_dir=cache_dir).parse(text, now=_now(now))
    except (InterpreterUnavailable, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(json.dumps(result, ensure_ascii=False))


@app.command()
def train(
    data: Optional[Path] = typer.Option(None, metavar="PATH", help="Training file or directory (default nlu/data/nlu.yml)."),
    folds: int = typer.Option(5, min=2, metavar="N", help="Cross-validation folds (at least 2)."),
    cv: bool = typer.Option(True, "--cv/--no-cv", metavar="", help="Report cross-validation figures (slower)."),
    cache_dir: str = typer.Option(DEFAULT_CACHE_DIR, metavar="DIR", envvar="BIZWATCH_NLU_CACHE_DIR",
                                  help="Where to keep the trained model, so 'parse' and the service load it."),
) -> None:
    """Train the embedded model and report cross-validation figures."""
    from nlu import embedded
    from nlu.evaluation import cross_validate
    from nlu.loader import load_data

    embedded.clear_memory_cache()
    started = time.perf_counter()
    interpreter = embedded.EmbeddedInterpreter(data_dir=data, cache_dir=cache_dir)
    seconds = time.perf_counter() - started
    training = load_data(interpreter.files)
    report = {"examples": len(training.examples), "intents": len(training.intents), "train_seconds": round(seconds, 3),
              "model_key": interpreter.key, "warnings": training.warnings,
              "crime_types": interpreter.model.crime_types.cross_validation}
    if cv:
        report["cross_validation"] = cross_validate(training, folds=folds)
        report["cross_validation"].pop("per_intent")
    typer.echo(json.dumps(report, indent=2))


@app.command("test")
def test_command(
    data: Optional[Path] = typer.Option(None, metavar="PATH", help="Training file or directory (default nlu/data/nlu.yml)."),
    test_file: Optional[Path] = typer.Option(None, "--test-file", metavar="FILE",
                                             help="Held-out file (default nlu/data/test.yml)."),
    report: Path = typer.Option(Path("var/nlu-report.json"), metavar="FILE", help="Where to write the JSON report."),
    now: Optional[str] = typer.Option(None, metavar="ISO-TIME", help="Message time for the held-out datetimes "
                                      "(default the one test.yml states)."),
    min_accuracy: float = typer.Option(0.0, metavar="FRACTION", help="Exit 1 if intent accuracy is below this."),
    min_emergency_recall: float = typer.Option(0.0, metavar="FRACTION", help="Exit 1 if emergency recall is below this."),
    crime_type_file: Optional[Path] = typer.Option(None, "--crime-type-file", metavar="FILE",
                                                   help="Held-out crime types (default nlu/data/crime_types_holdout.yml)."),
    min_crime_type_f1: float = typer.Option(0.0, metavar="FRACTION", help="Exit 1 if crime_type entity F1 is below this."),
    min_crime_type_accuracy: float = typer.Option(0.0, metavar="FRACTION",
                                                  help="Exit 1 if held-out crime-type accuracy is below this."),
    min_value_accuracy: float = typer.Option(0.0, metavar="FRACTION",
                                             help="Exit 1 if money or datetime exact-value accuracy is below this."),
) -> None:
    """Evaluate on the held-out file like `rasa test nlu`; exit non-zero below the thresholds."""
    from nlu.embedded import EmbeddedInterpreter
    from nlu.evaluation import EVAL_NOW, evaluate
    from nlu.loader import CRIME_TYPES_HOLDOUT_FILE, TEST_FILE, load_crime_type_holdout, load_data

    interpreter = EmbeddedInterpreter(data_dir=data)
    result = evaluate(interpreter, load_data([test_file or TEST_FILE]), now=_now(now) or EVAL_NOW,
                      crime_type_items=load_crime_type_holdout(crime_type_file or CRIME_TYPES_HOLDOUT_FILE))
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    _print_report(result)
    typer.echo(f"report written to {report}")
    s = result["summary"]
    failures = [f"{name} {value} < {minimum}" for name, value, minimum in (
        ("intent_accuracy", s["intent_accuracy"], min_accuracy),
        ("emergency_recall", s["emergency_recall"], min_emergency_recall),
        ("crime_type_f1", s["crime_type_f1"], min_crime_type_f1),
        ("crime_type_accuracy", s["crime_type_accuracy"], min_crime_type_accuracy),
        ("money_value_accuracy", s["money_value_accuracy"], min_value_accuracy),
        ("datetime_value_accuracy", s["datetime_value_accuracy"], min_value_accuracy),
    ) if (value or 0.0) < minimum]
    if failures:
        typer.echo("FAILED: " + "; ".join(failures), err=True)
        raise typer.Exit(1)


def _print_report(result: dict) -> None:
    out = sys.stdout
    intent = result["intent"]
    out.write(f"examples: {result['examples']}  (datetimes resolved against {result['now']})\n")
    out.write(f"intent accuracy {intent['accuracy']:.4f}  macro F1 {intent['macro_f1']:.4f}\n\n")
    out.write(f"{'intent':<22}{'precision':>10}{'recall':>8}{'f1':>8}{'support':>9}\n")
    for name, row in intent["per_intent"].items():
        out.write(f"{name:<22}{row['precision']:>10.3f}{row['recall']:>8.3f}{row['f1']:>8.3f}{row['support']:>9}\n")
    labels = list(intent["per_intent"])
    out.write("\nconfusion (rows gold, columns predicted, numbered as the rows)\n"
              + " " * 26 + "".join(f"{i:>4}" for i in range(1, len(labels) + 1)) + "\n")
    for i, gold in enumerate(labels, 1):
        row = intent["confusion"].get(gold, {})
        out.write(f"{i:>2} {gold:<23}" + "".join(f"{row.get(p, 0) or '.':>4}" for p in labels) + "\n")
    out.write(f"\nintent errors ({len(intent['errors'])})\n")
    for error in intent["errors"]:
        out.write(f"  {error['intent']} -> {error['predicted']} ({error['confidence']}): {error['text']}\n")
    out.write(f"\n{'entity':<22}{'precision':>10}{'recall':>8}{'f1':>8}{'support':>9}{'value acc':>11}\n")
    for name, row in result["entities"].items():
        value = row.get("value_accuracy")
        out.write(f"{name:<22}{row['precision']:>10.3f}{row['recall']:>8.3f}{row['f1']:>8.3f}{row['support']:>9}"
                  f"{'' if value is None else f'{value:.3f}':>11}\n")
    out.write(f"\nentity errors ({len(result['entity_errors'])})\n")
    for error in result["entity_errors"]:
        out.write(f"  {error['entity']}: gold {error['gold']!r} predicted {error['predicted']!r}: {error['text']}\n")
    crime = result["crime_types"]
    out.write(f"\nheld-out crime types: accuracy {crime['accuracy']:.4f} over {crime['examples']} messages, "
              f"{crime['false_crime_types']} false crime type(s), {crime['missed']} missed\n")
    for error in crime["errors"]:
        out.write(f"  {error['gold']} -> {error['predicted']}: {error['text']}\n")
    out.write(f"\nsummary {json.dumps(result['summary'])}\nlatency {json.dumps(result['latency_ms'])}\n")


@app.command("export-rasa")
def export_rasa(target: Path = typer.Argument(..., metavar="DIR", help="Directory for the Rasa project.")) -> None:
    """Write a Rasa 3.6 project (config.yml, domain.yml, data/nlu.yml) that trains the same model."""
    from nlu.rasa_export import export_rasa_project

    for path in export_rasa_project(target):
        typer.echo(f"wrote {path}")
