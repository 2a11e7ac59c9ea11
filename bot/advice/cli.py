"""``bizwatch advice``: check the advice content and try the search from a terminal.

``check`` runs in CI so broken content never ships; ``search`` lets an editor see what a
business would be offered for a question, and why.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from bot.advice.articles import article_files
from bot.advice.check import check_articles
from bot.advice.library import AdviceLibrary, default_library
from bot.advice.vocabulary import CRIME_TYPES, SEASONS, SECTORS

app = typer.Typer(help="Prevention advice: check the articles and search them.", no_args_is_help=True)


def _choices(name: str, values: tuple[str, ...]) -> type[Enum]:
    """An option's allowed values from the vocabulary, so a typo is refused with the list, not ignored."""
    return Enum(name, {value: value for value in values if value != "all"}, type=str)  # type: ignore[return-value]


Sector = _choices("Sector", SECTORS)
Season = _choices("Season", SEASONS)
CrimeType = _choices("CrimeType", CRIME_TYPES)


def _library(directory: Optional[Path]) -> AdviceLibrary:
    return default_library() if directory is None else AdviceLibrary.from_directory(directory)


@app.command()
def check(
    directory: Optional[Path] = typer.Option(
        None, "--dir", metavar="FOLDER", help="Folder of articles to check (default: the shipped advice_content/articles)."
    ),
    today: Optional[dt.datetime] = typer.Option(None, metavar="YYYY-MM-DD", formats=["%Y-%m-%d"],
                                                help="Date to check review dates against (default: today)."),
) -> None:
    """Check every article's fields, lengths, links, sources and review date; exit 1 on any problem."""
    when = today.date() if today else dt.date.today()
    problems = check_articles(directory, today=when)
    for problem in problems:
        typer.echo(str(problem), err=True)
    if problems:
        typer.echo(f"{len(problems)} problem(s) found.", err=True)
        raise typer.Exit(code=1)
    typer.echo(f"OK: {len(article_files(directory))} articles checked.")


@app.command()
def search(
    query: str = typer.Argument(..., metavar="QUESTION", help="The question, as a business would type it."),
    sector_choice: Optional[Sector] = typer.Option(None, "--sector", help="The business's sector."),
    crime_choice: Optional[CrimeType] = typer.Option(None, "--crime-type", help="The crime it is about."),
    season_choice: Optional[Season] = typer.Option(None, "--season", help="The time of year."),
    limit: int = typer.Option(3, min=1, metavar="N", help="How many articles to show."),
    explain: bool = typer.Option(False, "--explain", help="Show every candidate with its scores and matched terms."),
    directory: Optional[Path] = typer.Option(None, "--dir", metavar="FOLDER",
                                             help="Folder of articles to search instead of the shipped ones."),
) -> None:
    """Print the articles a question would be answered with, best first (rank, score, id, title)."""
    sector, crime_type, season = (choice.value if choice else None
                                  for choice in (sector_choice, crime_choice, season_choice))
    library = _library(directory)
    if explain:
        typer.echo(f"terms: {' '.join(library.query_terms(query)) or '(none)'}")
        for c in library.explain(query, crime_type=crime_type, sector=sector, season=season):
            mark = "+" if c.accepted else "-"
            typer.echo(
                f"{mark} {c.score:6.2f}  text={c.text_score:5.2f} coverage={c.coverage:4.2f}  "
                f"{c.article_id}  [{' '.join(c.matched)}]"
            )
        typer.echo("")
    results = library.search(query, crime_type=crime_type, sector=sector, season=season, limit=limit)
    if not results:
        typer.echo("No article fits that question well. Topics:")
        for code, label in library.topics_menu(sector):
            typer.echo(f"  {code}: {label}")
        return
    for rank, result in enumerate(results, start=1):
        typer.echo(f"{rank}. {result.score:6.2f}  {result.article.id}  {result.article.title}")
