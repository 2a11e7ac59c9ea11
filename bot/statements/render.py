"""Statement documents as HTML (Jinja2, autoescaped) and PDF (WeasyPrint).

Autoescape is on for every template, so whatever a person typed (HTML, ``{{ template syntax }}``)
is printed as the characters it is; the values are data, never template source. WeasyPrint is
imported only when a PDF is made, so the rest of the service does not need its system libraries
(Pango) to start.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from bot.statements.documents import IsbView, Mg11View
from bot.statements.wording import s9_declaration

_ENVIRONMENT = Environment(loader=PackageLoader("bot.statements", "templates"), autoescape=True,
                           undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
# A page count written into the MG11 declaration can change the count (rarely): re-render until it holds.
MAX_PASSES = 3


def html(template: str, **context: Any) -> str:
    return _ENVIRONMENT.get_template(template).render(**context)


def isb_html(view: IsbView) -> str:
    return html("isb.html.j2", view=view)


def mg11_html(view: Mg11View, pages: int | None = None) -> str:
    """``pages`` fills the declaration's "consisting of N pages" (unknown in HTML: left to fill in)."""
    return html("mg11.html.j2", view=view, declaration=s9_declaration(pages))


def pdf(text: str) -> bytes:
    return _document(text).write_pdf()


def isb_pdf(view: IsbView) -> bytes:
    return pdf(isb_html(view))


def mg11_pdf(view: Mg11View) -> bytes:
    """The MG11 with its own page count in the declaration."""
    pages = None
    for _ in range(MAX_PASSES):
        document = _document(mg11_html(view, pages))
        if len(document.pages) == pages:
            break
        pages = len(document.pages)
    return document.write_pdf()


def _document(text: str):  # noqa: ANN202 - weasyprint's Document, imported late
    from weasyprint import HTML

    return HTML(string=text).render()
