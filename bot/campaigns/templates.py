"""Campaign texts: Jinja2 templates a lead writes, checked before saving and rendered in a sandbox.

A template is text someone typed at a command line, sent to thousands of people, so it runs in
Jinja2's ``SandboxedEnvironment`` with nothing to reach but the variables in ``VARIABLES``: no
globals (``range``, ``cycler``, ``lipsum``, ``namespace``, ``joiner`` and ``dict`` are removed), a
short list of filters, no calls of any kind, no names or attributes beginning with an underscore,
no ``%`` formatting, and repetition and powers kept small, so neither an escape to Python's
internals nor a template that eats the machine gets through. Loops may not nest, for the same
reason. What is wrong is found before saving and told with its line: syntax errors, unknown
variables, unsafe attributes at parse time; unknown fields and texts over the SMS cap by rendering
for a sample recipient whose business name is as long as any a recipient's will be.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, nodes
from jinja2.environment import Template
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from bot.advice import gsm7

#: What a template may use, with what each holds (shown to a lead who names something else).
VARIABLES: Mapping[str, str] = {
    "business_name": "the subscriber's business name (or 'your business')",
    "area": "the area the message is for, such as WS1 (or 'your area')",
    "advice": "the linked advice articles: each has title, summary and link",
    "advice_link": "the first linked article's link",
}
GENERIC = {"business_name": "your business", "area": "your area"}
#: A business name longer than this is cut to it on SMS, so the sample below is the longest there is.
MAX_NAME_CHARS = 40
SAMPLE = {"business_name": "The Corner Shop and Post Office, High St", "area": "WS10"}
assert len(SAMPLE["business_name"]) == MAX_NAME_CHARS

SAFE_FILTERS = ("capitalize", "default", "d", "first", "join", "last", "length", "lower", "map", "replace",
                "title", "trim", "truncate", "upper")
MAX_SOURCE_CHARS = {"sms": 1600, "chat": 4000}
MAX_CHAT_CHARS = 4000  # the longest chat text (the web chat's limit; Telegram's is 4096)
MAX_REPEAT_CHARS = 1600  # "-" * n and the like: no text needs more
MAX_EXPONENT = 64
NOT_ALLOWED = {nodes.Extends: "extends", nodes.Include: "include", nodes.Import: "import",
               nodes.FromImport: "from ... import", nodes.Macro: "macro", nodes.CallBlock: "call", nodes.Block: "block"}
LABEL = {"sms": "SMS text", "chat": "chat text"}


@dataclass(frozen=True)
class TemplateProblem:
    """One thing wrong with a template, with its line when it has one."""

    template: str  # "sms" or "chat"
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{LABEL[self.template]}, line {self.line}" if self.line else LABEL[self.template]
        return f"{where}: {self.message}"


class MessageSandbox(SandboxedEnvironment):
    """The sandbox with everything a message does not need taken away."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self) -> None:
        super().__init__(undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True)
        self.globals.clear()
        self.filters = {name: self.filters[name] for name in SAFE_FILTERS}

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "%":
            raise SecurityError("formatting with % is not allowed in a message")
        if operator == "**" and (not isinstance(right, int) or abs(right) > MAX_EXPONENT):
            raise SecurityError(f"powers above {MAX_EXPONENT} are not allowed in a message")
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if isinstance(sequence, (str, list, tuple)) and isinstance(count, int) \
                        and len(sequence) * count > MAX_REPEAT_CHARS:
                    raise SecurityError(f"repeating text beyond {MAX_REPEAT_CHARS} characters is not allowed")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's signature
        raise SecurityError("calls are not allowed in a message (use the variables as they are)")


SANDBOX = MessageSandbox()


class MessageTemplate:
    """One checked template, ready to render for each recipient."""

    def __init__(self, kind: str, source: str) -> None:
        problems = check_source(kind, source)
        if problems:
            raise TemplateRefused(problems)
        self.kind = kind
        self.source = source
        self._template: Template = SANDBOX.from_string(source)

    def render(self, variables: Mapping[str, Any]) -> str:
        """The text for one recipient (raises TemplateError or SecurityError on a template fault)."""
        return self._template.render(variables).strip()


class TemplateRefused(ValueError):
    """A template that cannot be saved, with every problem found."""

    def __init__(self, problems: list[TemplateProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def check_source(kind: str, source: str) -> list[TemplateProblem]:
    """What is wrong with ``source`` without rendering it: size, syntax, names, attributes, constructs."""
    if len(source) > MAX_SOURCE_CHARS[kind]:
        return [TemplateProblem(kind, f"is {len(source)} characters; the most is {MAX_SOURCE_CHARS[kind]}")]
    try:
        tree = SANDBOX.parse(source)
        SANDBOX.compile(tree)  # unknown filters and some mistakes only show here
    except TemplateSyntaxError as error:
        return [TemplateProblem(kind, _syntax_message(error), error.lineno)]
    problems = [TemplateProblem(kind, message, line) for line, message in _walk(tree)]
    return sorted(set(problems), key=lambda p: (p.line or 0, p.message))


def _syntax_message(error: TemplateSyntaxError) -> str:
    message = error.message or "syntax error"
    if message.startswith("No filter named"):
        return f"{message.rstrip('.')} (filters you can use: {', '.join(SAFE_FILTERS)})"
    return message


def _walk(tree: nodes.Template) -> list[tuple[int, str]]:
    """(line, message) for every name, attribute or construct a message may not use."""
    out: list[tuple[int, str]] = []
    bound = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    for name in tree.find_all(nodes.Name):
        if name.ctx == "load" and name.name not in VARIABLES and name.name not in bound | {"loop"}:
            out.append((name.lineno, f"unknown variable {name.name!r} (you can use: {', '.join(VARIABLES)})"))
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        key = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
        if isinstance(key, str) and key.startswith("_"):
            out.append((node.lineno, f"{key!r} cannot be used in a message"))
    for call in tree.find_all(nodes.Call):
        out.append((call.lineno, "calls (name followed by brackets) are not allowed in a message"))
    for construct in tree.find_all(tuple(NOT_ALLOWED)):
        out.append((construct.lineno, f"{{% {NOT_ALLOWED[type(construct)]} %}} is not allowed in a message"))
    for loop in tree.find_all(nodes.For):
        for inner in loop.find_all(nodes.For):
            out.append((inner.lineno, "a loop inside a loop is not allowed in a message"))
    return out


def render_checked(template: MessageTemplate, variables: Mapping[str, Any]) -> tuple[str | None, TemplateProblem | None]:
    """Render, turning a fault in the template into a problem with its line instead of an exception."""
    try:
        return template.render(variables), None
    except (TemplateError, SecurityError, ArithmeticError, TypeError, ValueError, RecursionError) as error:
        return None, TemplateProblem(template.kind, _render_message(error), _template_line(error.__traceback__))


def _render_message(error: Exception) -> str:
    if isinstance(error, SecurityError):
        return str(error)
    if isinstance(error, TemplateError):
        return f"{error.message or error} (you can use: {', '.join(VARIABLES)}; each advice has title, summary, link)"
    return f"cannot be worked out ({type(error).__name__})"


def _template_line(trace: TracebackType | None) -> int | None:
    """The template line an error happened on (Jinja puts template frames in the traceback)."""
    line = None
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == "<template>":
            line = trace.tb_lineno
        trace = trace.tb_next
    return line


_OUTSIDE_GSM7 = re.compile("[^" + re.escape("".join(sorted(gsm7.GSM7_BASIC | gsm7.GSM7_EXTENDED))) + "]")
_GSM7_EXTENDED = re.compile("[" + re.escape("".join(sorted(gsm7.GSM7_EXTENDED))) + "]")


@dataclass(frozen=True)
class SmsSize:
    """What one SMS text costs: its encoding, its length in that encoding's units and its segments.

    The same arithmetic as ``bot.advice.gsm7`` (its alphabet and segment sizes), done with regular
    expressions because a send measures every recipient's text (a test ties the two together).
    """

    encoding: str  # "GSM-7" or "UCS-2"
    length: int
    segments: int
    outside_gsm7: tuple[str, ...] = ()

    @classmethod
    def of(cls, text: str) -> "SmsSize":
        bad = tuple(dict.fromkeys(_OUTSIDE_GSM7.findall(text)))
        if bad:
            length, single, multi = len(text.encode("utf-16-le")) // 2, gsm7.SINGLE_UCS2, gsm7.MULTI_UCS2
        else:
            length, single, multi = len(text) + len(_GSM7_EXTENDED.findall(text)), gsm7.SINGLE_GSM7, gsm7.MULTI_GSM7
        return cls("UCS-2" if bad else "GSM-7", length, 1 if length <= single else math.ceil(length / multi), bad)

    def describe(self) -> str:
        extra = f" (because of {''.join(self.outside_gsm7)!r})" if self.outside_gsm7 else ""
        return f"{self.segments} segment(s), {self.encoding}{extra}, {self.length} characters"


def with_footer(text: str, footer: str, kind: str) -> str:
    """The message as sent: the text, then the opt-out line (on SMS the next line, in a chat a new paragraph)."""
    if not footer:
        return text
    return f"{text}\n{footer}" if kind == "sms" else f"{text}\n\n{footer}"


def check_rendered(kind: str, text: str, *, footer: str, max_segments: int) -> TemplateProblem | None:
    """A rendered text too long for its channel, or None."""
    if kind == "chat":
        sent = with_footer(text, footer, kind)
        if len(sent) > MAX_CHAT_CHARS:
            return TemplateProblem(kind, f"renders to {len(sent)} characters; the most is {MAX_CHAT_CHARS}")
        return None
    if not text:
        return TemplateProblem(kind, "renders to nothing")
    size = SmsSize.of(with_footer(text, footer, kind))
    if size.segments > max_segments:
        return TemplateProblem(kind, f"renders to {size.describe()} with the opt-out line; "
                                     f"the most is {max_segments} segment(s)")
    return None
