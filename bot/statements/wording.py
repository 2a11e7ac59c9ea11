"""Fixed words of the statements, in one place: the chat shows the declaration a person makes and the
documents print the very same text.
"""

from __future__ import annotations

# Section 9 Criminal Justice Act 1967: the declaration a written statement carries to be used in court.
_S9 = ("is true to the best of my knowledge and belief and I make it knowing that, if it is tendered in "
       "evidence, I shall be liable to prosecution if I have wilfully stated in it anything which I know to be "
       "false, or do not believe to be true.")
# An Impact Statement for Business is declared in the chat with this text, and printed with it.
ISB_DECLARATION = f"This statement {_S9}"
# What the declaration means, said in the chat after the legal words.
ISB_DECLARATION_PLAIN = "In plain words: it is true, and knowingly saying something false in it could be a crime."
DRAFT_MARK = "DRAFT - NOT SIGNED"

COVERS = {"this_report": "this report only", "several_reports": "several reports",
          "repeat_offender": "the same offender, again and again"}
SITES = {"one": "one site", "several": "several sites", "whole": "the whole business"}


def s9_declaration(pages: int | None) -> str:
    """The MG11 declaration; with no page count yet (an HTML draft) the number is left to fill in."""
    count = "___" if pages is None else str(pages)
    return f"This statement (consisting of {count} page(s) each signed by me) {_S9}"
