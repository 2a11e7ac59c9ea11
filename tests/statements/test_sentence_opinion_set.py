"""The opinion-on-sentence detector measured on a labelled set written apart from its rules
(``data/sentence_opinions.tsv``): views on sentence an ISB must not carry, and impact that merely mentions
punishment, which it must keep."""

from __future__ import annotations

from pathlib import Path

from bot.statements.opinions import sentence_opinion

LABELLED = Path(__file__).with_name("data") / "sentence_opinions.tsv"
# Said in so many words where this detector was asked for: never to be taken for a view on sentence.
MUST_KEEP = ("we had to ban him from the shop last year", "the sentence on the sign was vandalised",
             "my staff feel locked in", "we fined the supplier", "prison officers shop here")


def labelled() -> list[tuple[bool, str]]:
    rows = []
    for line in LABELLED.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, text = line.split("\t", 1)
            assert label in ("opinion", "impact"), line
            rows.append((label == "opinion", text))
    return rows


def test_the_labelled_set_is_recognised_with_high_precision_and_recall():
    rows = labelled()
    flagged = [(opinion, sentence_opinion(text), text) for opinion, text in rows]
    true_positives = sum(opinion and said for opinion, said, _ in flagged)
    missed = [text for opinion, said, text in flagged if opinion and not said]
    wrongly = [text for opinion, said, text in flagged if said and not opinion]
    precision = true_positives / max(1, true_positives + len(wrongly))
    recall = true_positives / (true_positives + len(missed))
    assert sum(opinion for opinion, _ in rows) >= 50 and sum(not opinion for opinion, _ in rows) >= 50
    assert precision >= 0.95 and recall >= 0.95, (f"precision {precision:.2f}, recall {recall:.2f}; "
                                                  f"missed {missed}; wrongly flagged {wrongly}")


def test_the_business_s_own_words_about_punishment_are_kept():
    labels = dict((text, opinion) for opinion, text in labelled())
    for text in MUST_KEEP:
        assert labels[text] is False and not sentence_opinion(text)
