"""Every rule's own example sentences, run through the real model, and the rule-file checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import RuleError
from kg.rules.loader import load_rules
from kg.rules.matcher import RuleMatcher

RULES = load_rules()
EXAMPLES = [(rule.id, i, ex) for rule in RULES for i, ex in enumerate(rule.examples)]


def _matches(expected: dict, event: dict) -> bool:
    def qids(side: str) -> set:
        return {a["qid"] for a in event[side]}

    return (
        event["relation"] == expected.get("relation", event["relation"])
        and qids("suppliers") == set(expected.get("suppliers", []))
        and qids("recipients") == set(expected.get("recipients", []))
        and set(expected.get("categories", [])) <= {i["category"] for i in event["items"]}
        and event["implicit"] == expected.get("implicit", False)
    )


@pytest.mark.parametrize(("rule_id", "number", "example"), EXAMPLES, ids=[f"{r}#{n}" for r, n, _ in EXAMPLES])
def test_rules_example_produces_expected_events(extract, rule_id, number, example):
    events = extract(example.text)
    for expected in example.events:
        assert any(_matches(expected, e) for e in events), (rule_id, example.text, events)
    if not example.events:
        assert events == []


def test_rules_every_rule_fires_on_its_own_examples(extract):
    for rule in RULES:
        fired = {e["rule"] for ex in rule.examples for e in extract(ex.text)}
        assert rule.id in fired, f"{rule.id} never fired on its examples"


def test_rule_matcher_finds_what_a_dependency_matcher_holding_every_rule_finds(extractor):
    """The lemma table for one-word rules is a shortcut: it must match exactly where spaCy's matcher does,
    on every rule's examples and on sentences with words the rules ask for in other parts of speech."""
    from spacy.matcher import DependencyMatcher

    vocab = extractor.nlp.vocab
    reference = DependencyMatcher(vocab)
    for rule in RULES:
        reference.add(rule.id, [rule.pattern])
    patterns = {rule.id: rule.pattern for rule in RULES}
    texts = [example.text for rule in RULES for example in rule.examples] + [
        "La livraison du livre a été commandée par la bibliothèque, qui l'a livré en mains propres.",
        "Le Portugal passe commande de drones et met des blindés à la disposition de la Moldavie.",
        "Les aides, les achats et les ventes de matériel portent sur des munitions.",
        # « prête », « prêt »: the lemma of a trigger noun (« un prêt »), here an adjective.
        "La Belgique est prête à répondre à ces accusations, et le ministre se dit prêt.",
    ]
    compared = 0
    for doc in extractor.nlp.pipe(texts):
        expected = {(vocab.strings[key], tuple(ids)) for key, ids in reference(doc)}
        found = {
            (rule_id, tuple(nodes[node["RIGHT_ID"]] for node in patterns[rule_id]))
            for rule_id, nodes in extractor.matcher(doc)
        }
        assert found == expected, doc.text
        compared += len(expected)
    assert compared > len(RULES)


def test_rules_cover_every_relation():
    assert {r.relation for r in RULES} == {"supply", "purchase", "produce", "use", "request"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rules: [{relation: supply}]", "bad.yaml: a rule without an 'id'"),
        (
            "rules: [{id: r1, relation: gift, pattern: [{RIGHT_ID: trigger, RIGHT_ATTRS: {LEMMA: x}}], roles: {items: [{rel: obj}]}, examples: [{text: a}]}]",
            "bad.yaml: r1: relation must be one of",
        ),
        (
            "rules: [{id: r1, relation: supply, pattern: [{RIGHT_ID: x, RIGHT_ATTRS: {LEMMA: x}}], roles: {items: [{rel: obj}]}, examples: [{text: a}]}]",
            "bad.yaml: r1: the first pattern node must have RIGHT_ID 'trigger'",
        ),
        (
            "rules: [{id: r1, relation: supply, pattern: [{RIGHT_ID: trigger, RIGHT_ATTRS: {LEMMA: x}}], roles: {items: [{from: nowhere, rel: obj}]}, examples: [{text: a}]}]",
            "bad.yaml: r1: items: slot refers to node 'nowhere'",
        ),
        (
            "rules: [{id: r1, relation: supply, pattern: [{RIGHT_ID: trigger, RIGHT_ATTRS: {LEMMA: x}}], roles: {items: [{rel: obj}]}}]",
            "bad.yaml: r1: a rule needs at least one example",
        ),
        (
            "rules: [{id: r1, relation: supply, needs_money: maybe, pattern: [{RIGHT_ID: trigger, RIGHT_ATTRS: {LEMMA: x}}], roles: {items: [{rel: obj}]}, examples: [{text: a}]}]",
            "bad.yaml: r1: 'needs_money' must be true or false",
        ),
        (
            "rules: [{id: r1, relation: supply, pattern: [{RIGHT_ID: trigger, RIGHT_ATTRS: {LEMMA: x}}], roles: {items: [{rel: obj}], givers: [{rel: nsubj}]}, examples: [{text: a}]}]",
            "bad.yaml: r1: unknown role 'givers'",
        ),
        ("rules: [oops", "bad.yaml: not valid YAML"),
    ],
)
def test_rules_loader_reports_file_rule_and_problem(tmp_path: Path, text: str, message: str):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleError) as info:
        load_rules([path])
    assert message in info.value.message, info.value.message


def test_rules_compile_rejects_bad_pattern_with_rule_id(tmp_path: Path, extractor):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "rules: [{id: r9, relation: supply, pattern: [{RIGHT_ID: trigger, RIGHT_ATTRS: {LEMMA: x}},"
        " {LEFT_ID: trigger, REL_OP: '%%', RIGHT_ID: b, RIGHT_ATTRS: {}}], roles: {items: [{rel: obj}]},"
        " examples: [{text: a}]}]",
        encoding="utf-8",
    )
    with pytest.raises(RuleError) as info:
        RuleMatcher(load_rules([path]), extractor.nlp.vocab)
    assert info.value.message.startswith("bad.yaml: r9: bad pattern")
