"""Load extraction rules from YAML files and check them.

A rule is data: an id, the relation it makes, a spaCy DependencyMatcher pattern
whose anchor node is `trigger`, how roles are filled from the trigger's
arguments, and example sentences that the test suite runs. Every problem is
reported as `file: rule-id: problem`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kg.errors import RuleError
from kg.model import RELATIONS

RULES_DIR = Path(__file__).parent
ROLES = ("suppliers", "recipients", "items", "beneficiaries")
VOICES = ("active", "passive", "reflexive", "any")
SLOT_KEYS = {"from", "rel", "marker"}
RULE_KEYS = {
    "id",
    "relation",
    "description",
    "pattern",
    "voice",
    "roles",
    "examples",
    "implicit",
    "implied_item",
    "needs_money",
    "items_from_context",
    "categories",
    "not_categories",
}


@dataclass(frozen=True)
class Slot:
    """Where a role is found: an argument of node `node` with one of `rels` and `markers`.

    `markers` None means any marker; an empty string in it stands for "no preposition".
    The relation `self` stands for the node itself (« l'aide militaire à Kiev »:
    the trigger names the items).
    """

    node: str = "trigger"
    rels: tuple[str, ...] | None = None
    markers: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Example:
    """An example sentence and the events the rule must produce from it."""

    text: str
    events: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Rule:
    id: str
    relation: str
    pattern: list[dict[str, Any]]
    roles: dict[str, tuple[Slot, ...]]
    voice: str = "any"
    description: str = ""
    examples: tuple[Example, ...] = field(default_factory=tuple)
    source: str = ""
    # The item type (vocabulary local name) a match stands for when it names none:
    # « financer » moves money whether or not the sentence says so.
    implied_item: str | None = None
    # The implied item only when the trigger's object states a sum of money (« verser 300 millions de
    # dollars à l'Ukraine »): « accorder » or « débloquer » alone give nothing.
    needs_money: bool = False
    # A match naming no items at all (« les premières livraisons sont attendues en mars », « la Pologne livrera
    # en mars ») is kept for the article to complete: the items of the transfer it refers to (kg.discourse).
    items_from_context: bool = False
    # The events a rule makes are inferred, not stated (« des soldats nord-coréens se trouvent en Russie »).
    implicit: bool = False
    # Item categories the rule is about: only these (« déployer des soldats » is a supply of personnel), or all
    # but these (« déployer des missiles » is a use). Items of other categories are left to other rules.
    categories: tuple[str, ...] | None = None
    not_categories: tuple[str, ...] = ()


def _words(value: Any, where: str, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleError(f"{where}: '{key}' must be a string or a list of strings")
    return tuple(value)


def _slot(raw: Any, where: str, nodes: set[str]) -> Slot:
    if not isinstance(raw, dict):
        raise RuleError(f"{where}: a slot must be a mapping with from/rel/marker")
    unknown = set(raw) - SLOT_KEYS
    if unknown:
        raise RuleError(f"{where}: unknown slot keys {sorted(unknown)}")
    node = raw.get("from", "trigger")
    if node not in nodes:
        raise RuleError(f"{where}: slot refers to node '{node}' which the pattern does not define")
    rels = _words(raw["rel"], where, "rel") if "rel" in raw else None
    markers = None
    if "marker" in raw:
        markers = tuple("" if m == "none" else " ".join(m.split()) for m in _words(raw["marker"], where, "marker"))
    if rels is None and markers is None:
        raise RuleError(f"{where}: a slot needs 'rel' or 'marker'")
    return Slot(node=node, rels=rels, markers=markers)


def _rule(raw: Any, source: str, seen: set[str]) -> Rule:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not raw["id"]:
        raise RuleError(f"{source}: a rule without an 'id'")
    where = f"{source}: {raw['id']}"
    if raw["id"] in seen:
        raise RuleError(f"{where}: duplicate rule id")
    seen.add(raw["id"])
    unknown = set(raw) - RULE_KEYS
    if unknown:
        raise RuleError(f"{where}: unknown keys {sorted(unknown)}")
    if raw.get("relation") not in RELATIONS:
        raise RuleError(f"{where}: relation must be one of {', '.join(RELATIONS)}")
    pattern = raw.get("pattern")
    if not isinstance(pattern, list) or not pattern or not all(isinstance(n, dict) for n in pattern):
        raise RuleError(f"{where}: 'pattern' must be a non-empty list of DependencyMatcher nodes")
    if pattern[0].get("RIGHT_ID") != "trigger":
        raise RuleError(f"{where}: the first pattern node must have RIGHT_ID 'trigger'")
    nodes = {n.get("RIGHT_ID") for n in pattern if isinstance(n.get("RIGHT_ID"), str)}
    voice = raw.get("voice", "any")
    if voice not in VOICES:
        raise RuleError(f"{where}: voice must be one of {', '.join(VOICES)}")
    roles_raw = raw.get("roles")
    if not isinstance(roles_raw, dict) or "items" not in roles_raw:
        raise RuleError(f"{where}: 'roles' must map roles to slots and include 'items'")
    roles: dict[str, tuple[Slot, ...]] = {}
    for role, slots in roles_raw.items():
        if role not in ROLES:
            raise RuleError(f"{where}: unknown role '{role}' (expected {', '.join(ROLES)})")
        if not isinstance(slots, list) or not slots:
            raise RuleError(f"{where}: role '{role}' needs a list of slots")
        roles[role] = tuple(_slot(s, f"{where}: {role}", nodes) for s in slots)
    examples = []
    for ex in raw.get("examples") or []:
        if not isinstance(ex, dict) or not isinstance(ex.get("text"), str):
            raise RuleError(f"{where}: each example needs a 'text'")
        events = ex.get("events", [])
        if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
            raise RuleError(f"{where}: example 'events' must be a list of mappings")
        examples.append(Example(text=ex["text"], events=tuple(events)))
    if not examples:
        raise RuleError(f"{where}: a rule needs at least one example sentence")
    return Rule(
        id=raw["id"],
        relation=raw["relation"],
        pattern=pattern,
        roles=roles,
        voice=voice,
        description=str(raw.get("description", "")),
        examples=tuple(examples),
        source=source,
        implied_item=_implied_item(raw.get("implied_item"), where),
        needs_money=_flag(raw.get("needs_money", False), where, "needs_money"),
        items_from_context=_flag(raw.get("items_from_context", False), where, "items_from_context"),
        implicit=_flag(raw.get("implicit", False), where, "implicit"),
        categories=_words(raw["categories"], where, "categories") if "categories" in raw else None,
        not_categories=_words(raw["not_categories"], where, "not_categories") if "not_categories" in raw else (),
    )


def _flag(value: Any, where: str, key: str) -> bool:
    if not isinstance(value, bool):
        raise RuleError(f"{where}: '{key}' must be true or false")
    return value


def _implied_item(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value or any(c in value for c in " /#:"):
        raise RuleError(f"{where}: 'implied_item' must be the local name of an item type (e.g. funding)")
    return value


def load_rules(paths: list[Path] | None = None) -> list[Rule]:
    """Every rule of the given YAML files (default: the package's rule files)."""
    files = paths if paths is not None else sorted(RULES_DIR.glob("*.yaml"))
    rules: list[Rule] = []
    seen: set[str] = set()
    for path in files:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise RuleError(f"{path}: cannot read ({exc})") from None
        except yaml.YAMLError as exc:
            raise RuleError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
        if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
            raise RuleError(f"{path}: expected a top-level 'rules' list")
        rules.extend(_rule(raw, path.name, seen) for raw in data["rules"])
    return rules


def trigger_lemmas(rules: list[Rule]) -> set[str]:
    """Every lemma a rule's trigger node asks for (used to repair the lemmatizer's misses)."""
    lemmas: set[str] = set()
    for rule in rules:
        attrs = rule.pattern[0].get("RIGHT_ATTRS", {})
        value = attrs.get("LEMMA")
        if isinstance(value, str):
            lemmas.add(value)
        elif isinstance(value, dict):
            lemmas.update(v for v in value.get("IN", []) if isinstance(v, str))
    return lemmas
