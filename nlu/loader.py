"""Read NLU training data in Rasa 3.x YAML (the project's source of truth) into plain dataclasses.

Supported, as Rasa 3.x reads it: ``version``, ``nlu`` items ``intent`` / ``synonym`` / ``regex`` /
``lookup`` with ``examples`` given as a block string of ``- `` lines (or a list of ``{text: ...}``
mappings), inline entity annotations ``[text](entity)``, ``[text](entity:value)`` and
``[text]{"entity": ..., "value": ..., "role": ..., "group": ...}``. Anything else is an
``NLUDataError`` naming the file, the line and the problem, because a silently dropped example
is a silently worse model.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from nlu.paths import CRIME_TYPES_HOLDOUT_FILE, DATA_DIR, HELD_OUT_FILES, TEST_FILE, TRAINING_FILE, data_hash

__all__ = ["CRIME_TYPES_HOLDOUT_FILE", "DATA_DIR", "EntityAnnotation", "Example", "NLUDataError", "TEST_FILE",
           "TRAINING_FILE", "TrainingData", "data_hash", "load_crime_type_holdout", "load_data", "load_file",
           "load_string", "parse_annotated"]

_KNOWN_VERSIONS = {"2.0", "3.0", "3.1"}
_ITEM_KINDS = ("intent", "synonym", "regex", "lookup")
_ITEM_KEYS = {"intent": {"intent", "examples", "metadata"}, "synonym": {"synonym", "examples"},
              "regex": {"regex", "examples"}, "lookup": {"lookup", "examples"}}
# "[text]" followed by "(entity)", "(entity:value)" or "{json}"
_ANNOTATION = re.compile(r"\[(?P<text>[^\[\]]+)\](?:\((?P<short>[^()]*)\)|(?P<json>\{[^{}]*\}))")
_ENTITY_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


class NLUDataError(ValueError):
    """Malformed training data, with the place it was found."""

    def __init__(self, file: str | Path, line: int | None, problem: str):
        self.file, self.line, self.problem = str(file), line, problem
        where = f"{self.file}:{line}" if line else self.file
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class EntityAnnotation:
    """One annotated entity inside an example's plain text."""

    entity: str
    value: Any
    start: int
    end: int
    text: str
    role: str | None = None
    group: str | None = None


@dataclass(frozen=True)
class Example:
    """One training utterance: plain text (annotations removed), its intent and entities."""

    text: str
    intent: str
    entities: tuple[EntityAnnotation, ...] = ()
    source: str = ""  # "file:line", for error lists in evaluation reports


@dataclass
class TrainingData:
    examples: list[Example] = field(default_factory=list)
    synonyms: dict[str, list[str]] = field(default_factory=dict)  # value -> variants
    regexes: dict[str, list[str]] = field(default_factory=dict)
    lookups: dict[str, list[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def intents(self) -> list[str]:
        return sorted({e.intent for e in self.examples})

    @property
    def entity_types(self) -> list[str]:
        return sorted({a.entity for e in self.examples for a in e.entities})

    def synonym_map(self) -> dict[str, str]:
        """Lower-cased variant -> canonical value (what Rasa's EntitySynonymMapper does)."""
        mapping = {}
        for value, variants in self.synonyms.items():
            for variant in variants:
                mapping[variant.lower()] = value
        return mapping

    def merge(self, other: "TrainingData") -> "TrainingData":
        merged = TrainingData(self.examples + other.examples, {k: list(v) for k, v in self.synonyms.items()},
                              {k: list(v) for k, v in self.regexes.items()},
                              {k: list(v) for k, v in self.lookups.items()},
                              self.files + other.files, self.warnings + other.warnings)
        for target, source in ((merged.synonyms, other.synonyms), (merged.regexes, other.regexes),
                               (merged.lookups, other.lookups)):
            for key, values in source.items():
                target.setdefault(key, []).extend(values)
        return merged


def parse_annotated(text: str, *, file: str | Path = "<string>", line: int | None = None) -> tuple[str, list[EntityAnnotation]]:
    """Plain text and entities from one annotated example such as ``stole [£80](money:80) of stock``."""
    plain: list[str] = []
    entities: list[EntityAnnotation] = []
    pos = 0
    length = 0
    for match in _ANNOTATION.finditer(text):
        before = text[pos:match.start()]
        _check_brackets(before, file, line, text)
        plain.append(before)
        length += len(before)
        entity_text = match.group("text")
        entity, value, role, group = _annotation_fields(match, file, line)
        if value is None:
            value = entity_text
        entities.append(EntityAnnotation(entity, value, length, length + len(entity_text), entity_text, role, group))
        plain.append(entity_text)
        length += len(entity_text)
        pos = match.end()
    rest = text[pos:]
    _check_brackets(rest, file, line, text)
    plain.append(rest)
    return "".join(plain), entities


def _check_brackets(fragment: str, file, line, text: str) -> None:
    if "[" in fragment or "](" in fragment:
        raise NLUDataError(file, line, f"malformed entity annotation in example {text!r}: expected "
                                       "[text](entity), [text](entity:value) or [text]{\"entity\": ...}")


def _annotation_fields(match: re.Match, file, line) -> tuple[str, Any, str | None, str | None]:
    if match.group("json") is not None:
        try:
            data = json.loads(match.group("json"))
        except json.JSONDecodeError as exc:
            raise NLUDataError(file, line, f"entity annotation {match.group(0)!r} is not valid JSON ({exc.msg})") from None
        if not isinstance(data, dict) or not isinstance(data.get("entity"), str):
            raise NLUDataError(file, line, f"entity annotation {match.group(0)!r} needs an \"entity\" name")
        entity, value = data["entity"], data.get("value")
        role, group = data.get("role"), data.get("group")
    else:
        short = match.group("short")
        entity, _, raw_value = short.partition(":")
        entity, value = entity.strip(), (raw_value.strip() or None) if raw_value else None
        role = group = None
    if not _ENTITY_NAME.match(entity):
        raise NLUDataError(file, line, f"entity annotation {match.group(0)!r} has an invalid entity name {entity!r}")
    return entity, value, role, group


def load_data(paths: str | Path | Iterable[str | Path] | None = None) -> TrainingData:
    """Training data from files or directories (default: ``nlu/data/nlu.yml``); a directory's
    held-out files (``HELD_OUT_FILES``) are never read."""
    if paths is None:
        paths = [TRAINING_FILE]
    elif isinstance(paths, (str, Path)):
        paths = [paths]
    data = TrainingData()
    for path in paths:
        path = Path(path)
        files = sorted(p for p in path.rglob("*") if p.suffix in (".yml", ".yaml") and p.name not in HELD_OUT_FILES
                       ) if path.is_dir() else [path]
        for file in files:
            data = data.merge(load_file(file))
    return data


def load_file(path: str | Path) -> TrainingData:
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NLUDataError(path, None, "file not found") from None
    except UnicodeDecodeError as exc:
        raise NLUDataError(path, None, f"not UTF-8 text ({exc.reason})") from None
    return load_string(source, path)


def load_string(source: str, file: str | Path = "<string>") -> TrainingData:
    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise NLUDataError(file, mark.line + 1 if mark else None, f"invalid YAML: {problem}") from None
    data = TrainingData(files=[str(file)])
    if root is None:
        return data
    if not isinstance(root, MappingNode):
        raise NLUDataError(file, _line(root), "the top level must be a mapping with 'version' and 'nlu'")
    for key_node, value_node in root.value:
        key = key_node.value
        if key == "version":
            if str(value_node.value) not in _KNOWN_VERSIONS:
                raise NLUDataError(file, _line(value_node), f"unsupported version {value_node.value!r} (use \"3.1\")")
            if value_node.tag != "tag:yaml.org,2002:str" or value_node.style not in ('"', "'"):
                data.warnings.append(f"{file}:{_line(value_node)}: quote the version (\"3.1\") as Rasa expects")
        elif key == "nlu":
            if not isinstance(value_node, SequenceNode):
                raise NLUDataError(file, _line(value_node), "'nlu' must be a list of intent/synonym/regex/lookup items")
            for item in value_node.value:
                _read_item(item, file, data)
        elif key in ("rules", "stories", "responses", "intents", "entities", "slots", "forms", "actions",
                     "session_config", "e2e_actions", "retrieval_intents"):
            continue  # valid in Rasa files; not NLU data
        else:
            raise NLUDataError(file, _line(key_node), f"unknown top-level key {key!r}")
    return data


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _read_item(item: Node, file, data: TrainingData) -> None:
    if not isinstance(item, MappingNode):
        raise NLUDataError(file, _line(item), "each 'nlu' item must be a mapping such as '- intent: greet'")
    fields = {k.value: (k, v) for k, v in item.value}
    kinds = [k for k in _ITEM_KINDS if k in fields]
    if len(kinds) != 1:
        raise NLUDataError(file, _line(item), "each 'nlu' item needs exactly one of intent, synonym, regex, lookup")
    kind = kinds[0]
    unknown = set(fields) - _ITEM_KEYS[kind]
    if unknown:
        key_node = fields[sorted(unknown)[0]][0]
        raise NLUDataError(file, _line(key_node), f"unknown key {key_node.value!r} in {kind} item")
    name_node = fields[kind][1]
    if not isinstance(name_node, ScalarNode) or not str(name_node.value).strip():
        raise NLUDataError(file, _line(name_node), f"{kind} needs a name")
    name = str(name_node.value).strip()
    if "examples" not in fields:
        raise NLUDataError(file, _line(item), f"{kind} {name!r} has no 'examples'")
    lines = list(_example_lines(fields["examples"][1], file, kind, name))
    if kind == "intent":
        for text, line in lines:
            plain, entities = parse_annotated(text, file=file, line=line)
            if not plain.strip():
                raise NLUDataError(file, line, f"empty example in intent {name!r}")
            data.examples.append(Example(plain, name, tuple(entities), f"{file}:{line}"))
    elif kind == "synonym":
        data.synonyms.setdefault(name, []).extend(text for text, _ in lines)
    elif kind == "regex":
        for text, line in lines:
            try:
                re.compile(text)
            except re.error as exc:
                raise NLUDataError(file, line, f"regex {name!r} example {text!r} does not compile: {exc}") from None
        data.regexes.setdefault(name, []).extend(text for text, _ in lines)
    else:
        data.lookups.setdefault(name, []).extend(text for text, _ in lines)


def _example_lines(node: Node, file, kind: str, name: str):
    """(text, line number) for each example, from a block string or a list of mappings/strings."""
    if isinstance(node, ScalarNode):
        if node.style not in ("|", ">"):
            raise NLUDataError(file, _line(node), f"examples of {kind} {name!r} must be a block string ('examples: |')")
        first = node.start_mark.line + 2  # the line after "examples: |", 1-based
        for offset, raw in enumerate(node.value.split("\n")):
            stripped = raw.strip()
            if not stripped or stripped.startswith("#"):
                continue
            if not stripped.startswith("- ") and stripped != "-":
                raise NLUDataError(file, first + offset, f"example in {kind} {name!r} must start with '- ': {stripped!r}")
            text = stripped[1:].strip()
            if not text:
                raise NLUDataError(file, first + offset, f"empty example in {kind} {name!r}")
            yield text, first + offset
    elif isinstance(node, SequenceNode):
        for entry in node.value:
            if isinstance(entry, ScalarNode):
                yield str(entry.value), _line(entry)
            elif isinstance(entry, MappingNode):
                values = {k.value: v for k, v in entry.value}
                if "text" not in values or not isinstance(values["text"], ScalarNode):
                    raise NLUDataError(file, _line(entry), f"example in {kind} {name!r} needs 'text'")
                yield str(values["text"].value), _line(values["text"])
            else:
                raise NLUDataError(file, _line(entry), f"example in {kind} {name!r} must be text")
    else:
        raise NLUDataError(file, _line(node), f"examples of {kind} {name!r} must be a block string or a list")


def load_crime_type_holdout(path: str | Path = CRIME_TYPES_HOLDOUT_FILE) -> list[tuple[str, str, str]]:
    """(text, crime type code or "none", "file:line") from a held-out crime-type file: a top-level
    ``crime_types`` list of ``- crime_type: CODE`` items with ``examples: |`` like intents. The
    training loader refuses the ``crime_types`` key, so such a file can never be trained on."""
    path = Path(path)
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise NLUDataError(path, None, f"cannot read held-out crime types: {exc}") from None
    if not isinstance(root, MappingNode):
        raise NLUDataError(path, None, "the top level must be a mapping with 'crime_types'")
    items = next((v for k, v in root.value if k.value == "crime_types"), None)
    if not isinstance(items, SequenceNode):
        raise NLUDataError(path, _line(root), "'crime_types' must be a list of '- crime_type: CODE' items")
    found = []
    for item in items.value:
        fields = {k.value: v for k, v in item.value} if isinstance(item, MappingNode) else {}
        if set(fields) != {"crime_type", "examples"} or not isinstance(fields["crime_type"], ScalarNode):
            raise NLUDataError(path, _line(item), "each item needs 'crime_type' and 'examples' and nothing else")
        code = str(fields["crime_type"].value).strip()
        for text, line in _example_lines(fields["examples"], path, "crime_type", code):
            found.append((text, code, f"{path}:{line}"))
    return found
