"""Campaign texts: what a lead gets told about a bad template (with the line), and what a template can never do.

The sandbox escapes are tried twice: through the check a lead's template goes through before it is
saved, and straight against the sandbox (as if the check had missed them), where they must fail
with a SecurityError and reveal nothing.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2.exceptions import SecurityError, TemplateError

from bot.advice import gsm7
from bot.campaigns.rendering import Renderer, TextLimits, advice_items, check_texts, sample_text
from bot.campaigns.templates import SANDBOX, SmsSize

LIMITS = TextLimits(footer="To change or end these alerts, reply MY ALERTS.", max_sms_segments=3)
ADVICE = advice_items(["christmas-crime-prevention", "shop-theft-prevention"])

ESCAPES = [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ lipsum.__globals__['os'] }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ self.__init__.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ range.__init__ }}",
    "{{ advice.__class__ }}",
    "{{ advice[0]['__class__'] }}",
    "{{ ''|attr('__class__') }}",
    "{{ '{0.__class__}'.format(advice) }}",
    "{{ '%s' % advice }}",
    "{% set x = business_name %}{{ x.__class__.__base__ }}",
    "{{ config }}{{ request }}",
    "{% include '/etc/passwd' %}",
    "{% import 'os' as os %}",
    "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
]


@pytest.mark.parametrize("template", ESCAPES)
def test_escapes_are_refused_before_saving(template):
    problems = check_texts({"sms": template}, ADVICE, LIMITS)
    assert problems, f"{template!r} was accepted"
    assert all(problem.line == 1 for problem in problems)


@pytest.mark.parametrize("template", [t for t in ESCAPES if "include" not in t and "import" not in t])
def test_escapes_fail_safely_in_the_sandbox_itself(template):
    """Even if the check let one through, rendering it raises instead of reaching Python's internals."""
    variables = {"business_name": "Shop", "area": "WS1", "advice": ADVICE, "advice_link": ""}
    with pytest.raises((SecurityError, TemplateError)) as raised:
        SANDBOX.from_string(template).render(variables)
    assert "subclasses" not in str(raised.value) and "<class" not in str(raised.value)


@pytest.mark.parametrize("template, fault", [
    ("{{ 'x' * 100000 }}", "repeating text beyond"),
    ("{{ 9 ** 99999999 }}", "powers above"),
    ("{{ business_name.upper() }}", "calls are not allowed"),
])
def test_templates_that_would_eat_the_machine_fail_fast(template, fault):
    with pytest.raises(SecurityError, match=fault):
        SANDBOX.from_string(template).render(business_name="Shop")


def test_unknown_variables_and_syntax_errors_are_told_with_their_line():
    sms = "Hello {{ business_name }},\nthefts are up in {{ areaa }}.\n{{ advice_lnk }}"
    problems = [str(p) for p in check_texts({"sms": sms}, ADVICE, LIMITS)]
    assert problems == [
        "SMS text, line 2: unknown variable 'areaa' (you can use: business_name, area, advice, advice_link)",
        "SMS text, line 3: unknown variable 'advice_lnk' (you can use: business_name, area, advice, advice_link)",
    ]
    chat = "Hi {{ business_name }}\n\n{% for a in advice %}\n- {{ a.title }}\n{% endfr %}"
    [problem] = check_texts({"chat": chat}, ADVICE, LIMITS)
    assert problem.line == 5 and str(problem).startswith("chat text, line 5: Encountered unknown tag 'endfr'")


def test_an_unknown_field_of_an_article_is_found_by_rendering_with_its_line():
    [problem] = check_texts({"chat": "Read:\n{% for a in advice %}{{ a.tittle }}{% endfor %}"}, ADVICE, LIMITS)
    assert problem.line == 2 and "no attribute 'tittle'" in problem.message and "title, summary, link" in problem.message


def test_an_sms_over_the_cap_is_refused_with_its_count():
    long = "Shop theft is rising. " * 20  # 440 characters, plus the opt-out line
    [problem] = check_texts({"sms": long}, ADVICE, LIMITS)
    assert str(problem) == ("SMS text: renders to 4 segment(s), GSM-7, 487 characters with the opt-out line; "
                            "the most is 3 segment(s)")
    # The same text fits a cap of four.
    assert check_texts({"sms": long}, ADVICE, TextLimits(LIMITS.footer, 4)) == []


def test_a_curly_quote_makes_the_sms_ucs2_and_the_count_says_so():
    text = "Don’t leave cash in the till overnight. " * 4
    [problem] = check_texts({"sms": text}, ADVICE, LIMITS)
    assert "UCS-2 (because of '’')" in problem.message and "4 segment(s)" in problem.message
    size = SmsSize.of(sample_text("Don’t leave cash in the till", "sms", ADVICE, LIMITS))  # 76 with the line
    assert (size.encoding, size.segments) == ("UCS-2", 2)


def test_the_longest_business_name_is_what_the_check_measures():
    """A template that fits only with short names is refused: any business's name must fit."""
    text = "{{ business_name }}: " + "x" * 400
    assert check_texts({"sms": text}, ADVICE, LIMITS), "the 40-character sample name should push it over"
    assert not check_texts({"sms": "{{ business_name }}: " + "x" * 340}, ADVICE, LIMITS)


def test_each_recipient_gets_their_own_words_and_sms_stays_within_the_cap():
    renderer = Renderer({"sms": "{{ business_name }} in {{ area }}: " + "x" * 340, "chat": "Hi {{ business_name }}"},
                        ADVICE, LIMITS)
    assert renderer.text("telegram", "Bloom Florist", "WS2").startswith("Hi Bloom Florist\n\nTo change or end")
    assert renderer.text("sms", None, None).startswith("your business in your area: ")
    # A long name is cut on SMS; a name with a character outside GSM-7 would make it UCS-2 and too long,
    # so that recipient gets the generic words instead.
    assert renderer.text("sms", "A" * 80, "WS1").startswith("A" * 40 + " in WS1: ")
    fallback = renderer.text("sms", "Zoë's Café Ω", "WS1")
    assert fallback.startswith("your business in your area: ") and SmsSize.of(fallback).segments <= 3


def test_the_variables_a_lead_can_use():
    text = sample_text("{{ business_name|upper }} in {{ area }}: {{ advice|map(attribute='title')|join('; ') }} "
                       "{{ advice_link }}", "sms", ADVICE, LIMITS, area="WS3")
    assert text.startswith("THE CORNER SHOP AND POST OFFICE, HIGH ST in WS3: Preparing your business for "
                           "Christmas; Stopping shop theft https://")
    assert text.endswith("\nTo change or end these alerts, reply MY ALERTS.")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(sorted(gsm7.GSM7_BASIC | gsm7.GSM7_EXTENDED) + ["’", "é", "😀", "…", "`"]),
               max_size=500))
def test_the_fast_sms_measure_agrees_with_the_gsm7_module(text):
    size = SmsSize.of(text)
    assert size.segments == gsm7.segments(text)
    assert (size.encoding == "GSM-7") == gsm7.is_gsm7(text)
    assert list(size.outside_gsm7) == gsm7.non_gsm7_chars(text)
    if size.encoding == "GSM-7":
        assert size.length == gsm7.gsm7_length(text)
