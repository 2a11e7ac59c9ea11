"""``bizwatch advice``: check the advice content and try the search from a terminal.

``check`` runs in CI so broken content never ships; ``search`` lets an editor see what a
business would be offered for a question, and why.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Optional

import typer

from bot.advice.articles import article_files
from bot.advice.check import check_articles
from bot.advice.library import AdviceLibrary, default_library

app = typer.Typer(help="Prevention advice: check the articles and search them.", no_args_is_help=True)


def _library(directory: Optional[Path]) -> AdviceLibrary:
    return default_library() if directory is None else AdviceLibrary.from_directory(directory)


@app.command()
def check(
    directory: Optional[Path] = typer.Option(
        None, "--dir", help="Folder of articles to check (default: the shipped advice_content/articles)."
    ),
    today: Optional[str] = typer.Option(None, help="Date to check review dates against, YYYY-MM-DD (default: today)."),
) -> None:
    """Check every article's fields, lengths, links, sources and review date; exit 1 on any problem."""
    when = dt.date.fromisoformat(today) if today else dt.date.today()
    problems = check_articles(directory, today=when)
    for problem in problems:
        typer.echo(str(problem), err=True)
    if problems:
        typer.echo(f"{len(problems)} problem(s) found.", err=True)
        raise typer.Exit(code=1)
    typer.echo(f"OK: {len(article_files(directory))} articles checked.")


@app.command()
def search(
    query: str = typer.Argument(..., help="The question, as a business would type it."),
    sector: Optional[str] = typer.Option(None, help="Business sector: retail, licensed, forecourt, rural, office, hospitality."),
    crime_type: Optional[str] = typer.Option(None, "--crime-type", help="Crime type code from the NLU, e.g. shop_theft."),
    season: Optional[str] = typer.Option(None, help="Season: christmas, black_friday, school_holidays, summer."),
    limit: int = typer.Option(3, min=1, help="How many articles to show."),
    explain: bool = typer.Option(False, "--explain", help="Show every candidate with its scores and matched terms."),
    directory: Optional[Path] = typer.Option(None, "--dir", help="Folder of articles to search instead of the shipped ones."),
) -> None:
    """Print the articles a question would be answered with, best first (rank, score, id, title)."""
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
