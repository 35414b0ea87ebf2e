"""Turn parsed sentences into events: rule matches → roles → actors and items → Event.

This is where spaCy objects stop: everything after it sees `kg.model` objects.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from kg.discourse import TRANSFER_RELATIONS, DiscourseContext, Placed, merge_statements
from kg.errors import RuleError
from kg.frame import ArticleFrame
from kg.model import Actor, Article, Event, Item, Value
from kg.nlp.arguments import SUBJECTS, Argument, ArgumentFinder, Grammar
from kg.nlp.attribution import AttributionFinder
from kg.nlp.coreference import CoreferenceResolver
from kg.nlp.dates import stated_date
from kg.nlp.idioms import IdiomFinder
from kg.nlp.mentions import Mention, MentionFinder
from kg.nlp.modality import ModalityClassifier
from kg.nlp.pipeline import Sentence, load_data, parse_sentences
from kg.nlp.quantity import read_quantity, read_value
from kg.rules.loader import Rule, trigger_lemmas
from kg.rules.matcher import RuleMatcher
from kg.vocabulary import Vocabulary

# Which side must be named for an event to be worth keeping.
# Relations that end a noun phrase when looking inside it for names and origins.
NP_BOUNDARIES = ("conj", "acl:relcl", "advcl", "ccomp", "parataxis", "appos")
# A `use` with no stated user may still get one from the article (kg.discourse); the rest need their side here.
# Arguments a party is taken from only when the phrases of the trigger itself named none: the topic of the
# sentence, and the subject or complement of the verb governing a nominal trigger (« Berlin a approuvé la
# livraison de chars par la Pologne »: Poland supplies, Berlin only approves).
FALLBACK_RELATIONS = frozenset({"topic", "gov:nsubj", "gov-recv:nsubj", "gov:obl"})
REQUIRED_SIDE = {"supply": None, "purchase": None, "produce": "suppliers", "use": None, "request": "recipients"}


@dataclass(frozen=True)
class SentenceUnit:
    """A parsed sentence with the mentions and rule matches of its paragraph's Doc, kept for a second pass."""

    sentence: Sentence
    mentions: dict[int, Mention]
    matches: list[tuple[str, dict[str, int]]]


@dataclass(frozen=True)
class FoundItem:
    """An item found in a role, with the token it was read from and its stated origin."""

    item: Item
    token: Token
    origin: tuple[Actor, ...]
    # The token indices that name the item (« des chars Leopard »), read once.
    words: range = range(0)


def _distinct_items(found: Iterable[FoundItem]) -> list[FoundItem]:
    """`found` without the items read twice from the words of one name (« lance », « roquettes »)."""
    seen: set[tuple[str | None, int]] = set()
    out = []
    for f in found:
        key = (f.item.iri, f.words.start if f.words else f.token.i)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _statement_depth(trigger: Token) -> int:
    """How deep `trigger` states its transfer, for `merge_statements`: twice its depth in the tree, a link
    between coordinated verbs counting for nothing, and less one for a verb coordinated after another.

    « Les Pays-Bas ont promis puis livré des F-16 »: the later of the verbs says where the one transfer
    stands (delivered), and it is as much the clause's verb as the first.
    """
    depth = 0
    token = trigger
    while token.head.i != token.i:
        if not (token.dep_ == "conj" and token.pos_ in ("VERB", "AUX") and token.head.pos_ in ("VERB", "AUX")):
            depth += 1
        token = token.head
    coordinated = trigger.dep_ == "conj" and trigger.pos_ in ("VERB", "AUX") and trigger.head.pos_ in ("VERB", "AUX")
    return 2 * depth - (1 if coordinated else 0)


class Extractor:
    """Applies the rules to sentences. Build once (matchers, lexicons), call many times."""

    def __init__(self, nlp: Language, vocabulary: Vocabulary, rules: list[Rule]) -> None:
        self.nlp = nlp
        self.vocabulary = vocabulary
        self.rules = {rule.id: rule for rule in rules}
        self._implied = {rule.id: self._implied_item_iri(rule) for rule in rules if rule.implied_item}
        known = set(vocabulary.categories.values())
        for rule in rules:
            for category in (*(rule.categories or ()), *rule.not_categories):
                if category not in known:
                    raise RuleError(f"{rule.source}: {rule.id}: '{category}' is not an item category")
        # « demander à X de livrer »: a transfer asked for is a request, not a transfer.
        # Verbs that are requests by themselves (« demander »), not support verbs of a request noun (« avoir
        # besoin »): only these make a transfer they govern a request.
        self._request_lemmas = trigger_lemmas(
            [rule for rule in rules if rule.relation == "request" and len(rule.pattern) == 1]
        )
        # Rules whose match is an acquisition: a purchase, or a transfer whose subject receives (« obtenir »).
        self._acquiring = {
            rule.id
            for rule in rules
            if rule.relation == "purchase"
            or any("nsubj" in (slot.rels or ()) for slot in rule.roles.get("recipients", ()))
        }
        self.matcher = RuleMatcher(rules, nlp.vocab)
        self.grammar = Grammar()
        self.modality = ModalityClassifier(self.grammar.aim_nouns)
        if "kg_verb_repair" not in nlp.pipe_names:
            governors = self.grammar.attributive_verbs | self.grammar.control_verbs | self.grammar.object_control_verbs
            lemmas = sorted(trigger_lemmas(rules) | self.modality.verbs() | governors)
            nlp.add_pipe("kg_verb_repair", after="lemmatizer", config={"lemmas": lemmas})
        self.mentions = MentionFinder(nlp, vocabulary)
        self.arguments = ArgumentFinder(self.grammar)
        self.coreference = CoreferenceResolver()
        self.attribution = AttributionFinder()
        self.idioms = IdiomFinder()
        grammar = load_data("grammar")
        self._broad = set(grammar["coreference"]["broad_item_categories"])
        self._party_labels: dict[str, dict[str, str]] = grammar["party_labels"]
        self._discourse = DiscourseContext(int(grammar["discourse_window"]))
        # The frame of the article being read (None in its first pass), and the sentences of the pass that left a
        # reference to it: a second pass reads them again, with the frame.
        self._frame: ArticleFrame | None = None
        self._consulted: set[int] = set()
        # The trigger tokens of the sentence being read: a phrase the parser hung far from its verb is read
        # back only up to the next trigger.
        self._sentence_triggers: set[int] = set()
        # The parties the match being filled found inside one item's own phrase, by side and item position
        # (« des Rafale de la France et des sous-marins de l'Allemagne »).
        self._anchored: dict[str, dict[int, list[Actor]]] = {}
        # Who the sentence being read quotes or reports, for its first-person pronouns.
        self._speaker: tuple[Actor, ...] = ()
        self._markers = {
            rule.id: {
                role: tuple(
                    replace(
                        slot,
                        markers=tuple(self.grammar.normalise_marker(m) for m in slot.markers)
                        if slot.markers is not None
                        else None,
                    )
                    for slot in slots
                )
                for role, slots in rule.roles.items()
            }
            for rule in rules
        }

    # -- public API -------------------------------------------------------

    def extract(self, articles: Iterable[Article], advance: Callable[[], None] | None = None) -> Iterator[Event]:
        """Every event of every article, in document order; `advance()` after each article."""
        for _article, events in self.extract_articles(articles):
            yield from events
            if advance is not None:
                advance()

    def extract_articles(self, articles: Iterable[Article]) -> Iterator[tuple[Article, list[Event]]]:
        """Each article with its events, in the order given, every article once (one without a sentence with an
        empty list). The articles are parsed as one stream, which batches the parser better than a call per
        article."""
        pulled: deque[Article] = deque()

        def pull() -> Iterator[Article]:
            for article in articles:
                pulled.append(article)
                yield article

        def done(article: Article, events: list[Event]) -> Iterator[tuple[Article, list[Event]]]:
            # The articles read before `article` had no sentence.
            while pulled:
                first = pulled.popleft()
                yield first, events if first is article else []
                if first is article:
                    return

        current: Doc | None = None
        mentions: dict[int, Mention] = {}
        matches: dict[int, list[tuple[str, dict[str, int]]]] = {}
        article: Article | None = None
        units: list[SentenceUnit] = []
        for sentence in parse_sentences(self.nlp, pull()):
            if sentence.article is not article:
                if article is not None:
                    yield from done(article, self._extract_article(units))
                units = []
                article = sentence.article
            doc = sentence.span.doc
            if doc is not current:
                current = doc
                mentions = self.mentions.find(doc)
                matches = self._matches(doc)
            units.append(SentenceUnit(sentence, mentions, matches.get(sentence.span.start, [])))
        if article is not None:
            yield from done(article, self._extract_article(units))
        while pulled:
            yield pulled.popleft(), []

    def _extract_article(self, units: list[SentenceUnit]) -> list[Event]:
        """The events of one article: a first pass over its sentences, its frame, a second pass when a reference
        was left to the frame (« son allié », a pronoun two parties could be), then the discourse completion.

        The second pass reads again only the sentences that consulted the frame: the coreference memory is built
        from names and from subject pronouns resolved without the frame, so it is the same in both passes, and
        so is every other sentence's reading."""
        by_sentence = self._pass(units, None)
        frame = ArticleFrame.from_events((p.sentence, p.event) for found in by_sentence for p in found)
        if self._consulted:
            kept = {k: found for k, found in enumerate(by_sentence) if k not in self._consulted}
            by_sentence = self._pass(units, frame, kept)
            frame = ArticleFrame.from_events((p.sentence, p.event) for found in by_sentence for p in found)
        return self._discourse.complete([p for found in by_sentence for p in found], frame)

    def _consult(self) -> None:
        """Note that the sentence being read left a reference to the article's frame."""
        self._consulted.add(self.coreference.sentence)

    def _pass(
        self, units: list[SentenceUnit], frame: ArticleFrame | None, kept: dict[int, list[Placed]] | None = None
    ) -> list[list[Placed]]:
        """The events of each of an article's sentences with its sentence number, coreference read in order;
        the events of the sentences `kept` from an earlier pass are not read again (their memory still is)."""
        self.coreference.reset()
        self._frame = frame
        self._consulted = set()
        kept = kept or {}
        by_sentence: list[list[Placed]] = []
        previous_speaker: tuple[Actor, ...] = ()
        for k, unit in enumerate(units):
            self._remember_actors(unit.sentence, unit.mentions)
            self._speaker = self._speaker_of(unit) or self._quote_speaker(units, k, previous_speaker)
            previous_speaker = self._speaker
            if k in kept:
                by_sentence.append(kept[k])
            else:
                by_sentence.append(
                    [
                        Placed(self.coreference.sentence, event, depth)
                        for event, depth in self.extract_sentence(unit.sentence, unit.mentions, unit.matches)
                    ]
                )
            self._remember_pronoun_subjects(unit.sentence, unit.mentions)
            self.coreference.next_sentence()
        return by_sentence

    def extract_text(self, text: str, doc_id: str = "text") -> list[Event]:
        """Events of one piece of text (used by rule examples and tests)."""
        return list(self.extract([Article(id=doc_id, text=text)]))

    # -- matching ---------------------------------------------------------

    def _matches(self, doc: Doc) -> dict[int, list[tuple[str, dict[str, int]]]]:
        """Rule matches grouped by the start token of the sentence of their trigger."""
        by_sentence: dict[int, list[tuple[str, dict[str, int]]]] = {}
        seen: set[tuple[str, int]] = set()
        for rule_id, nodes in self.matcher(doc):
            key = (rule_id, nodes["trigger"])
            if key in seen:
                continue
            seen.add(key)
            trigger = doc[nodes["trigger"]]
            by_sentence.setdefault(trigger.sent.start, []).append((rule_id, nodes))
        return by_sentence

    def _trigger_ok(self, rule: Rule, trigger: Token) -> bool:
        """Whether the trigger can fire this rule: a real verb (or noun) in the rule's voice."""
        if trigger.pos_ == "NOUN" and self._in_locution(trigger):
            return False  # « à l'aide de drones » is a preposition, not aid
        if trigger.pos_ == "VERB" and any(c.dep_ == "det" for c in trigger.children):
            # « changer la donne »: a verb with a determiner is a noun the tagger got wrong.
            return False
        if rule.voice == "any":
            return True
        # « la Russie s'approvisionne en obus », « la Pologne s'est dotée de chars »: with a reflexive pronoun the
        # subject receives; « se livrer à », « se produire » are other verbs. Active rules leave these alone.
        reflexive = any(c.pos_ == "PRON" and "Yes" in c.morph.get("Reflex", []) for c in trigger.children)
        if reflexive or rule.voice == "reflexive":
            return reflexive and rule.voice == "reflexive"
        # The tagger's Voice=Pass on a participle is no passive after « avoir » (« les a transférés »).
        tensed = any(c.dep_ == "aux:tense" for c in trigger.children)
        passive = any(c.dep_ == "aux:pass" for c in trigger.children) or (
            "Pass" in trigger.morph.get("Voice", []) and not tensed
        )
        if trigger.dep_ == "acl" and trigger.morph.get("VerbForm", []) == ["Part"]:
            passive = not any(c.dep_ in ("nsubj", "aux:tense") for c in trigger.children)
            relative = self.arguments.relative_clause(trigger)
            if passive and relative is not None and relative[3] is not None:
                # « les sous-marins que la Chine construit pour la Thaïlande »: a present the tagger read as a
                # participle, in a relative clause with its own subject.
                passive = False
        return passive == (rule.voice == "passive")

    # -- one sentence -----------------------------------------------------

    def extract_sentence(
        self, sentence: Sentence, mentions: dict[int, Mention], matches: list[tuple[str, dict[str, int]]]
    ) -> list[tuple[Event, int]]:
        """The events of one sentence, each with the depth of its trigger in the tree (0: the root), one per
        statement (`merge_statements`)."""
        events: list[tuple[int, Event]] = []
        claimed: set[int] = set()
        if not matches:
            return []
        idiomatic = self.idioms.tokens(sentence.span)
        self._sentence_triggers = {nodes["trigger"] for _, nodes in matches}
        # Specific rules (more pattern nodes) first, so « passer commande » beats « passer »; request rules last, so
        # that a transfer they govern states its own parties (« demander à l'Allemagne de livrer des chars à
        # l'Ukraine » asks Germany for tanks for Ukraine) before the request verb could take its words.
        ordered = sorted(
            matches, key=lambda m: (-len(m[1]), self.rules[m[0]].relation == "request", m[1]["trigger"], m[0])
        )
        for rule_id, nodes in ordered:
            if nodes["trigger"] in claimed or nodes["trigger"] in idiomatic:
                continue
            rule = self.rules[rule_id]
            doc = sentence.span.doc
            trigger = doc[nodes["trigger"]]
            if not self._trigger_ok(rule, trigger):
                continue
            made, used = self._apply(rule, nodes, sentence, mentions)
            if made:
                claimed.update(used)
                events.extend((nodes["trigger"], e) for e in made)
        # A request verb whose asked-for transfer became a request says nothing more.
        doc = sentence.span.doc
        absorbed = {
            asker.i
            for trigger_i, e in events
            if e.relation == "request" and self.rules[e.rule].relation != "request"
            for asker in (self._asked_for(doc[trigger_i], self.rules[e.rule].id in self._acquiring),)
            if asker is not None
        }
        return merge_statements(
            (e, _statement_depth(doc[i]))
            for i, e in events
            if not (self.rules[e.rule].relation == "request" and i in absorbed)
        )

    def _fill_roles(
        self,
        rule: Rule,
        nodes: dict[str, int],
        doc: Doc,
        mentions: dict[int, Mention],
        cache: dict[str, list[Argument]],
    ) -> tuple[list[FoundItem], dict[str, tuple[Actor, ...]], dict[str, tuple[Actor, ...]], set[int]]:
        """Items, the parties by side, the parties ruled out by side, of one match; an argument fills one role.

        A conjunct the sentence rules out (« à Wagner, et non au gouvernement russe ») is kept apart:
        the caller states the transfer to it as negated. `cache` holds the arguments of each pattern
        node (with the node itself as `self`), filled here and read again by the caller.
        """
        used: set[int] = set(nodes.values())
        self._anchored = {}
        items: list[FoundItem] = []
        sides: dict[str, list[Actor]] = {"suppliers": [], "recipients": [], "beneficiaries": []}
        ruled_out: dict[str, list[Actor]] = {"suppliers": [], "recipients": [], "beneficiaries": []}
        trigger_node = doc[nodes["trigger"]]
        cache["trigger"] = [Argument(trigger_node, "self", ""), *self.arguments.arguments(trigger_node)]
        for arg in cache["trigger"]:
            if arg.marker in self.grammar.exchange_markers:
                # « achète des Su-35 à Moscou en échange de drones Shahed »: what pays is no item of the transfer.
                used.add(arg.token.i)
                used.update(i for f in self.resolve_items(arg.token, mentions) for i in (f.token.i, *f.words))
        # Beneficiaries first: « des obus destinés à l'Ukraine » is no seller of the purchase.
        for role in ("items", "beneficiaries", "suppliers", "recipients"):
            for slot in self._markers[rule.id].get(role, ()):
                if slot.node not in cache:
                    node = doc[nodes[slot.node]]
                    cache[slot.node] = [Argument(node, "self", ""), *self.arguments.arguments(node)]
                for arg in cache[slot.node]:
                    if arg.token.i in used and arg.rel != "self":
                        continue
                    named = mentions.get(arg.token.i)
                    if arg.rel == "lifted" and named is not None and not used.isdisjoint(range(named.start, named.end)):
                        # « la Corée du Nord »: « du Nord » is part of a name already used, not a phrase of its own.
                        continue
                    if (slot.rels is None and arg.rel == "self") or slot.rels is not None and arg.rel not in slot.rels:
                        continue
                    if slot.markers is not None and arg.marker not in slot.markers:
                        continue
                    if arg.rel in FALLBACK_RELATIONS and role != "items" and not arg.contrasted:
                        # An item's stated origin (« des armes russes ») says more than the governing verb's subject.
                        if sides[role] or role == "suppliers" and any(f.origin for f in items):
                            continue
                    if role == "items":
                        if arg.contrasted or arg.rel == "self" and items:
                            # The trigger names the items only when nothing more specific does.
                            continue
                        if arg.rel != "content" and any(f.token.i == nodes["trigger"] for f in items):
                            continue  # « l'aide militaire » names itself; its « de » phrases are no items
                        found_items = [
                            f
                            for f in self.resolve_items(arg.token, mentions)
                            # A trigger that names the items must head their mention itself.
                            if (f.token.i == arg.token.i if arg.rel == "self" else f.token.i not in used)
                        ]
                        used.update(i for f in found_items for i in (f.token.i, *f.words))
                        if found_items and named is not None and named.kind == "item":
                            # « un paquet d'aide comprenant des chars »: the words that contain the items are read too.
                            used.update(range(named.start, named.end))
                        if found_items:
                            items.extend(found_items)
                            party_noun = named is None and self._is_party_noun(arg.token)
                            if any(_within(f.token, arg.token, ("acl",)) for f in found_items) and not (
                                (named is not None and named.kind == "actor") or party_noun
                            ):
                                # Not when the items came from a clause on the argument (« demander à ses alliés
                                # de livrer des chars »), nor from a phrase the parser hung on a name (« reçu de
                                # la Pologne des chars »): it is a party.
                                used.add(arg.token.i)
                    else:
                        actors = self.resolve_actors(arg.token, mentions, side=role)
                        if actors:
                            (ruled_out if arg.contrasted else sides)[role].extend(actors)
                            used.add(arg.token.i)
                            anchor = self._item_anchor(arg.token, items, doc[nodes["trigger"]])
                            if anchor is not None and not arg.contrasted:
                                self._anchored.setdefault(role, {}).setdefault(anchor, []).extend(actors)
        trigger = doc[nodes["trigger"]]
        if (
            not items
            and trigger.pos_ in ("VERB", "AUX")
            and any(slot.rels and "obj" in slot.rels for slot in self._markers[rule.id]["items"])
        ):
            items.extend(self._items_of_clitic(trigger, mentions))
        if rule.relation in TRANSFER_RELATIONS:
            self._fill_stray(rule, trigger, mentions, items, sides, ruled_out, used)
        return (
            items,
            {side: _unique(found) for side, found in sides.items()},
            {side: _unique(found) for side, found in ruled_out.items()},
            used,
        )

    @staticmethod
    def _marker_by_words(noun: Token) -> str:
        """The preposition right before a noun's phrase (past its articles, numbers and adjectives), read from the
        words: « , ses premiers chasseurs » has none, whatever case word the parser gave the noun."""
        doc, i = noun.doc, noun.i - 1
        while i >= noun.sent.start and doc[i].pos_ in ("DET", "NUM", "ADJ"):
            i -= 1
        if i >= noun.sent.start and doc[i].pos_ == "ADP":
            return doc[i].lower_.replace("’", "'")
        return ""

    def _items_of_clitic(self, verb: Token, mentions: dict[int, Mention]) -> list[FoundItem]:
        """« Moscou lui en a fourni quatre »: with no object, the verb's « en » stands for the kind named before,
        and a number after the verb counts it (wherever the parser hung the number)."""
        # Before anything but a present participle (« en livrant »), « en » is the pronoun, whatever its tag.
        gerund = verb.morph.get("VerbForm", []) == ["Part"] and "Pres" in verb.morph.get("Tense", [])
        clitic = next(
            (c for c in verb.children if c.lower_ == "en" and c.i < verb.i and (c.pos_ == "PRON" or not gerund)), None
        )
        if clitic is None:
            return []
        found = self.resolve_items(clitic, mentions)
        number = next((t for t in verb.doc[verb.i + 1 : min(verb.i + 4, verb.sent.end)] if t.like_num), None)
        if number is None:
            return found
        quantity, quantity_text = read_quantity(number, number)
        return [
            FoundItem(replace(f.item, quantity=quantity, quantity_text=quantity_text), f.token, f.origin) for f in found
        ]

    @staticmethod
    def _item_anchor(token: Token, items: list[FoundItem], trigger: Token) -> int | None:
        """The position of the item whose phrase holds `token` (« des sous-marins de l'Allemagne »), if any."""
        heads = {f.token.i: k for k, f in enumerate(items)}
        node = token.head
        for _ in range(6):
            if node.i == trigger.i or node.head.i == node.i:
                return None
            if node.i in heads:
                return heads[node.i]
            node = node.head
        return None

    def _item_groups(
        self, found: list[FoundItem], suppliers: tuple[Actor, ...], recipients: tuple[Actor, ...], stated: bool
    ) -> list[tuple[list[FoundItem], tuple[Actor, ...], tuple[Actor, ...]]]:
        """The items of one match grouped by their own parties: « l'Égypte a reçu des Rafale de la France et des
        sous-marins de l'Allemagne » is two transfers, « des drones iraniens et des obus nord-coréens » (no
        supplier stated) two origins. A side splits only when two items or more name their own party on it:
        a phrase after the last of several items (« des chars et des avions à l'Ukraine ») is everyone's."""
        if len(found) < 2:
            return [(found, suppliers, recipients)]
        own: dict[str, dict[int, tuple[Actor, ...]]] = {}
        for side in ("suppliers", "recipients"):
            anchored = {k: _unique(actors) for k, actors in self._anchored.get(side, {}).items()}
            if side == "suppliers" and not stated:
                anchored = {k: f.origin for k, f in enumerate(found) if f.origin} | anchored
            if len(anchored) >= 2:
                own[side] = anchored
        if not own:
            return [(found, suppliers, recipients)]
        stated_sides = {"suppliers": suppliers, "recipients": recipients}
        groups: dict[
            tuple[tuple[str, ...], tuple[str, ...]], tuple[list[FoundItem], tuple[Actor, ...], tuple[Actor, ...]]
        ] = {}
        for k, item in enumerate(found):
            sides = []
            for side in ("suppliers", "recipients"):
                bound = {a.key for actors in own.get(side, {}).values() for a in actors}
                shared = tuple(a for a in stated_sides[side] if a.key not in bound)
                sides.append(own.get(side, {}).get(k, shared))
            key = (tuple(a.key for a in sides[0]), tuple(a.key for a in sides[1]))
            groups.setdefault(key, ([], sides[0], sides[1]))[0].append(item)
        return list(groups.values())

    def _trigger_markers(self, rule: Rule, side: str) -> list[str]:
        """The markers (prepositions, locutions) the rule's slots for `side` take on the trigger itself."""
        return [
            marker
            for slot in self._markers[rule.id].get(side, ())
            if slot.node == "trigger" and slot.markers
            for marker in slot.markers
        ]

    def _paired_groups(
        self,
        rule: Rule,
        trigger: Token,
        mentions: dict[int, Mention],
        found: list[FoundItem],
        suppliers: tuple[Actor, ...],
        recipients: tuple[Actor, ...],
    ) -> list[tuple[list[FoundItem], tuple[Actor, ...], tuple[Actor, ...]]] | None:
        """One verb, several items each with its own party: « la France a livré des Caesar à l'Ukraine, des Rafale
        à la Grèce et des sous-marins au Brésil », « s'est procuré des obusiers auprès de l'Inde et des radars
        auprès de la France ». Read from the words, since the parser rarely hangs the later pairs on the verb: an
        item, its adjectives, a marker one side of the rule takes and a party, then a separator and the next pair.
        Two pairs or more with the same side make one group each; an item without a phrase of its own goes with
        the pair after it (« des chars et des obus à l'Ukraine, des avions à la Pologne »). None when the words do
        not read so."""
        doc, end = trigger.doc, trigger.sent.end
        side_of: dict[str, str] = {}
        for side in ("suppliers", "recipients"):
            for marker in self._trigger_markers(rule, side):
                side_of.setdefault(marker, side)
        pairs: list[tuple[Mention, str, Mention]] = []
        i, previous_end = trigger.i + 1, None
        while i < end:
            token = doc[i]
            mention = mentions.get(i)
            if mention is None or mention.kind != "item" or mention.start != i:
                if token.pos_ in ("VERB", "AUX") and token.dep_ not in ("amod", "acl") and token.i != trigger.i:
                    break  # another clause
                if previous_end is not None and not (
                    token.lower_ in self.grammar.list_conjunctions
                    or token.text == ","
                    or token.pos_ in ("DET", "NUM")
                    or token.lower_ in self.grammar.partitive_articles
                ):
                    break  # the pairs must follow one another
                i += 1
                continue
            j = mention.end
            # Its adjectives, nationality and name: « des canons Caesar français ».
            while j < end and (doc[j].pos_ == "ADJ" or getattr(mentions.get(j), "kind", None) in ("demonym", "item")):
                j = mentions[j].end if j in mentions else j + 1
            k = j
            words: list[str] = []
            while k < end and len(words) < 3 and (doc[k].pos_ in ("ADP", "ADV") or doc[k].lower_ in ("de", "d'")):
                words.append(doc[k].lower_)
                k += 1
            while k < end and doc[k].pos_ == "DET":
                k += 1
            party = mentions.get(k)
            marker = self.grammar.normalise_marker(" ".join(words)) if words else ""
            if party is None or party.kind != "actor" or party.start != k or marker not in side_of:
                if previous_end is not None:
                    i = mention.end
                    previous_end = None if pairs else previous_end
                    continue
                i = mention.end
                continue
            pairs.append((mention, side_of[marker], party))
            i = previous_end = party.end
        sides = {side for _, side, _ in pairs}
        parties = {party.start for _, _, party in pairs}
        if len(pairs) < 2 or len(sides) != 1 or len(parties) < 2:
            return None
        side = sides.pop()
        groups: list[tuple[list[FoundItem], tuple[Actor, ...], tuple[Actor, ...]]] = []
        taken: set[int] = set()
        for mention, _, party in pairs:
            actors = self._mention_actors(party, doc)
            if not actors:
                return None
            items = [f for f in found if f.token.i < mention.end and f.token.i not in taken]
            if not any(mention.start <= f.token.i < mention.end for f in items):
                items += self.resolve_items(doc[mention.start : mention.end].root, mentions)
            taken.update(f.token.i for f in items)
            if not items:
                return None
            groups.append((items, suppliers, actors) if side == "recipients" else (items, actors, recipients))
        rest = [f for f in found if f.token.i not in taken]
        if rest:
            groups.append((rest, suppliers, recipients))
        return groups

    def _fill_stray(
        self,
        rule: Rule,
        trigger: Token,
        mentions: dict[int, Mention],
        items: list[FoundItem],
        sides: dict[str, list[Actor]],
        ruled_out: dict[str, list[Actor]],
        used: set[int],
    ) -> None:
        """Roles a transfer verb left empty, from phrases after it that the parser hung elsewhere.

        « La Roumanie a transféré son unique batterie Patriot, après de longues hésitations, à l'Ukraine »,
        « … ont été livrés, au cours des six derniers mois, par la Turquie au Kenya », « Le Danemark a livré à
        l'Ukraine, qui les attendait depuis l'été 2023, ses premiers F-16 »: an incise, an apposition or a
        relative clause ends the verb's phrase for the parser, which hangs what follows on the incise. A phrase
        after the verb, before any other trigger of the sentence, with a marker the empty role takes (« à »,
        « par », « vers »…) and naming a party, fills it; a noun phrase without a preposition naming items
        fills empty items. Read only when the role is empty: the parse is trusted first.
        """
        doc, sentence = trigger.doc, trigger.sent
        # The next trigger ends the search, unless it is a participle used as an adjective (« des drones armés ») or
        # a noun inside an adjunct (« dans le cadre d'un programme conjoint »).
        stop = min(
            (
                i
                for i in self._sentence_triggers
                if i > trigger.i
                and not (doc[i].dep_ == "acl" and doc[i].morph.get("VerbForm", []) == ["Part"])
                and not (
                    doc[i].pos_ == "NOUN"
                    and self.arguments.marker(doc[i])
                    and self.arguments.full_marker(doc[i]) not in self.grammar.stray_markers
                )
            ),
            default=sentence.end,
        )
        # A purpose clause has phrases of its own: « envoyés à la frontière pour former les militaires russes ».
        stop = min(
            (
                t.i
                for t in doc[trigger.i + 1 : stop]
                if t.pos_ == "VERB"
                and t.morph.get("VerbForm", []) == ["Inf"]
                and any(c.dep_ == "mark" for c in t.children)
            ),
            default=stop,
        )
        # What pays for the transfer is no part of it: « … en échange d'obus ».
        stop = min(
            (t.i for t in doc[trigger.i + 1 : stop] if self.arguments.full_marker(t) in self.grammar.exchange_markers),
            default=stop,
        )
        if trigger.pos_ not in ("VERB", "AUX"):
            # A noun's phrases end at the next verb: « l'acquisition auprès de la Norvège de radars destinés … ».
            stop = min(
                (t.i for t in doc[trigger.i + 1 : stop] if t.pos_ in ("VERB", "AUX") and t.i not in mentions),
                default=stop,
            )
        window = [t for t in doc[trigger.i + 1 : stop] if t.i not in used and t.head.i != trigger.i]
        for role in ("recipients", "suppliers"):
            if sides[role] or ruled_out[role]:
                continue
            markers = set(self._trigger_markers(rule, role)) & self.grammar.stray_markers
            for token in window:
                # « à 64 pays »: the parser may hang the preposition on the number.
                marker = self.arguments.full_marker(token) or self._marker_by_words(token)
                if token.pos_ not in ("PROPN", "NOUN") or marker not in markers:
                    continue
                verb_head = token.head.pos_ in ("VERB", "AUX") and token.head.i not in mentions
                if verb_head and (token.dep_ == "obl:agent" or marker == "par"):
                    continue  # « via l'initiative, rejointe par différents pays »: another verb's agent
                actors = self.resolve_actors(token, mentions, side=role)
                if actors:
                    sides[role].extend(actors)
                    used.add(token.i)
                    for conjunct in self.arguments.with_conjuncts(Argument(token, "lifted", marker))[1:]:
                        sides[role].extend(self.resolve_actors(conjunct.token, mentions, side=role))
                        used.add(conjunct.token.i)
                    break
        objects = any(
            set(slot.rels or ()) & {"obj", "nsubj", "nsubj:pass"} or set(slot.markers or ()) & {"de", "en"}
            for slot in self._markers[rule.id]["items"]
        )
        if not items and objects:
            for token in window:
                mention = mentions.get(token.i)
                if mention is None or mention.kind != "item" or token.i in used:
                    continue
                if token.dep_ not in (
                    "obj",
                    "nmod",
                    "obl",
                    "obl:arg",
                    "obl:mod",
                    "nsubj",
                    "appos",
                    "conj",
                    "dep",
                    "advmod",
                ):
                    continue
                if self._marker_by_words(token) not in ("", "de", "des", "du", "d'"):
                    continue
                found = [
                    f
                    for arg in self.arguments.with_conjuncts(Argument(token, "obj", ""))
                    for f in self.resolve_items(arg.token, mentions)
                    if f.token.i not in used
                ]
                if found:
                    items.extend(found)
                    used.update(i for f in found for i in (f.token.i, *f.words))
                    break

    def _apply(
        self, rule: Rule, nodes: dict[str, int], sentence: Sentence, mentions: dict[int, Mention]
    ) -> tuple[list[Event], set[int]]:
        """Events of one rule match, and the tokens they used (so no other rule reuses them)."""
        doc = sentence.span.doc
        trigger = doc[nodes["trigger"]]
        cache: dict[str, list[Argument]] = {}
        found_items, parties, ruled_out, used = self._fill_roles(rule, nodes, doc, mentions, cache)
        suppliers, recipients = parties["suppliers"], parties["recipients"]
        beneficiaries = parties["beneficiaries"]
        if rule.categories is not None or rule.not_categories:
            stated_items = bool(found_items)
            found_items = [
                f
                for f in found_items
                if (rule.categories is None or f.item.category in rule.categories)
                and f.item.category not in rule.not_categories
            ]
            # A rule with an implied item still stands for it when nothing is named (« verser 300 millions »).
            if not found_items and (stated_items or rule.id not in self._implied):
                return [], set()
        found_items = self._without_announcers(found_items)
        if self._out_of_scope(rule, trigger) or self._training(trigger, found_items):
            return [], set()
        if not found_items and rule.id in self._implied and (not rule.needs_money or self._money_object(trigger)):
            found_items = [FoundItem(self._item(self._implied[rule.id], trigger.text, None, None), trigger, ())]
        if not found_items and not (rule.items_from_context and self._names_nothing(trigger, rule)):
            return [], set()
        origins = _unique(a for f in found_items for a in f.origin)
        relation = rule.relation
        if not origins:
            # « emploie des drones de fabrication iranienne »: the parser may hang the
            # origin phrase on the verb instead of the item.
            trigger_args = cache.get("trigger") or self.arguments.arguments(trigger)
            origins = _unique(a for arg in trigger_args for a in self._stated_origin(arg.token, mentions))
            # « l'achat de chasseurs J-10 chinois »: a nationality the parser hung on the trigger after its items.
            origins = origins or _unique(
                a
                for arg in trigger_args
                if arg.rel == "amod:detached" and getattr(mentions.get(arg.token.i), "kind", None) == "demonym"
                for a in self._mention_actors(mentions[arg.token.i], doc)
            )
        if relation in TRANSFER_RELATIONS and not suppliers and origins:
            suppliers = origins
        if relation == "supply" and not recipients and trigger.pos_ in ("VERB", "AUX"):
            # « Les alliés de Kiev ont promis de nouveaux avions »: backers give to whom they back.
            recipients = _unique(
                actor
                for arg in self.arguments.subject_of(trigger)
                if arg.token.lemma_.lower() in self.grammar.supporter_nouns
                for child in arg.token.children
                if child.dep_ == "nmod" and self.arguments.marker(child) == "de"
                for actor in self.resolve_actors(child, mentions)
            )
        if relation == "supply" and not recipients:
            # « Les premiers K9 destinés à l'Australie devraient être livrés par Hanwha »: where the items are bound.
            recipients = _unique(
                actor
                for found in found_items
                for arg in self.arguments.destinations(found.token)
                for actor in self.resolve_actors(arg.token, mentions)
            )
        modality_anchor = trigger
        asker = self._asked_for(trigger, rule.id in self._acquiring) if relation in TRANSFER_RELATIONS else None
        if asker is not None:
            # « Kiev demande à l'OTAN de livrer des armes »: a transfer asked for is a request
            # with the transfer's parties; the one who asks receives when no one else is named.
            relation, modality_anchor = "request", asker
            if not recipients:
                recipients = _unique(
                    a for arg in self.arguments.subject_of(asker) for a in self.resolve_actors(arg.token, mentions)
                )
            asked = self._asked(asker, mentions)
            if asked and asker.lemma_ in self.grammar.purpose_request_governors:
                # « se tourner vers X pour fournir des munitions à ses troupes »: X gives, not the one turning.
                suppliers = asked
                recipients = recipients or tuple(
                    a for arg in self.arguments.subject_of(asker) for a in self.resolve_actors(arg.token, mentions)
                )
                recipients = tuple(a for a in recipients if a.key not in {s.key for s in asked}) or recipients
            elif asked:
                # « Varsovie a appelé Washington à accélérer la livraison »: the one asked gives, not the asker (whom
                # a nominal transfer may have taken for its supplier).
                askers = {
                    a.key for arg in self.arguments.subject_of(asker) for a in self.resolve_actors(arg.token, mentions)
                }
                if not {a.key for a in suppliers} - {a.key for a in recipients} - askers:
                    suppliers = asked
        if relation in ("use", "request") and not suppliers:
            # « des drones iraniens » used by Russia, « besoin de composants américains »: the stated origin.
            suppliers = origins
        recipient_keys = {a.key for a in recipients}
        suppliers = tuple(a for a in suppliers if a.key not in recipient_keys or relation == "produce")
        required = REQUIRED_SIDE[relation]
        if required == "suppliers" and not suppliers or required == "recipients" and not recipients:
            return [], set()
        if rule.implicit and not (suppliers and recipients):
            return [], set()  # an inferred transfer needs both its sides in the sentence
        modality = self.modality.classify(modality_anchor, [f.token for f in found_items], sentence.span)
        if relation == "request" and modality == "reported" and self._asker_speaks(sentence, recipients, mentions):
            modality = "asserted"
        source = self.attribution.source(modality_anchor, sentence.span)
        value = read_value(trigger)
        events: list[Event] = []
        stated = bool(parties["suppliers"])
        groups = None
        if relation in TRANSFER_RELATIONS and trigger.pos_ in ("VERB", "AUX"):
            groups = self._paired_groups(rule, trigger, mentions, found_items, suppliers, recipients)
        if groups is None:
            groups = self._item_groups(found_items, suppliers, recipients, stated)
        for group, group_suppliers, group_recipients in groups:
            events.extend(
                self._group_events(
                    rule,
                    nodes,
                    sentence,
                    mentions,
                    relation,
                    group,
                    group_suppliers,
                    group_recipients,
                    ruled_out,
                    beneficiaries,
                    modality,
                    source,
                    value,
                )
            )
        return events, used

    def _group_events(
        self,
        rule: Rule,
        nodes: dict[str, int],
        sentence: Sentence,
        mentions: dict[int, Mention],
        relation: str,
        found_items: list[FoundItem],
        suppliers: tuple[Actor, ...],
        recipients: tuple[Actor, ...],
        ruled_out: dict[str, tuple[Actor, ...]],
        beneficiaries: tuple[Actor, ...],
        modality: str,
        source: str | None,
        value: Value | None,
    ) -> list[Event]:
        """The events of one group of items of a match: the stated one, and those it implies (a transfer denied to
        a party ruled out, the supply a use with an origin implies, a purchase for another, production for one)."""
        doc = sentence.span.doc
        anchor = doc[min(nodes.values())].idx - sentence.span.start_char
        base = Event(
            doc=sentence.article.id,
            sentence=sentence.text,
            start=sentence.start,
            end=sentence.end,
            relation=relation,
            suppliers=suppliers,
            recipients=recipients,
            items=tuple(f.item for f in found_items),
            implicit=rule.implicit,
            modality=modality,
            source=source,
            value=value,
            rule=rule.id,
            # The date the sentence states (« en juin 2023 »), else the article's.
            date=stated_date(sentence.span, sentence.article.date, anchor=anchor) or sentence.article.date,
            trigger=tuple(
                (
                    sentence.start + doc[i].idx - sentence.span.start_char,
                    sentence.start + doc[i].idx - sentence.span.start_char + len(doc[i]),
                )
                for i in sorted(nodes.values())
            ),
        )
        events = [base]
        for side in ("suppliers", "recipients"):
            # « destinés à Wagner, et non au gouvernement russe »: the same transfer, denied to the other party.
            actors = ruled_out[side]
            if actors and getattr(base, side):
                events.append(replace(base.with_side(side, actors), modality="negated", source=source))
        if relation == "use" and suppliers and recipients:
            # An item's stated origin and its user imply a transfer between them.
            implicit_suppliers = tuple(a for a in suppliers if a not in recipients)
            if implicit_suppliers:
                events.append(replace(base, relation="supply", suppliers=implicit_suppliers, implicit=True))
        if relation in ("supply", "purchase") and suppliers and recipients:
            events.extend(self._counter_transfers(base, doc[nodes["trigger"]], mentions))
        if relation == "purchase" and not beneficiaries:
            beneficiaries = _unique(
                actor
                for found in found_items
                for arg in self.arguments.destinations(found.token)
                for actor in self.resolve_actors(arg.token, mentions)
            )
        if relation == "purchase" and beneficiaries:
            # « L'OTAN a acheté des obus destinés à l'Ukraine », « acquérir des radars destinés à être offerts à
            # Kiev »: bought for another, they are to be supplied to it by the buyer.
            taken = {a.key for a in (*suppliers, *recipients)}
            others = tuple(a for a in beneficiaries if a.key not in taken)
            if others:
                events.append(
                    replace(
                        base,
                        relation="supply",
                        suppliers=recipients,
                        recipients=others,
                        implicit=True,
                        modality="planned",
                    )
                )
        if relation == "produce" and suppliers and recipients and self._commissioned(doc[nodes["trigger"]]):
            # Production ordered or paid for someone is to be supplied to them by whoever ordered it.
            named = tuple(a for a in suppliers if a.qid and a not in recipients)
            if named:
                events.append(replace(base, relation="supply", suppliers=named, implicit=True))
        return events

    def _counter_transfers(self, base: Event, trigger: Token, mentions: dict[int, Mention]) -> list[Event]:
        """« Moscou livre des vivres à Pyongyang en échange d'obus », « achète des drones à Téhéran en contrepartie
        de pétrole »: what pays for a transfer goes the other way, between the same parties, as surely."""
        paid = _distinct_items(
            found
            for arg in self.arguments.arguments(trigger)
            if arg.marker in self.grammar.exchange_markers
            for found in self.resolve_items(arg.token, mentions)
        )
        if not paid:
            return []
        # « céder ses Leopard 1 à Kiev en échange de chars allemands »: paid items of a stated origin come from it.
        origins = _unique(a for f in paid for a in f.origin)
        recipients = {a.key for a in base.recipients}
        payers = origins if origins and recipients.isdisjoint(a.key for a in origins) else base.recipients
        counter = replace(base, relation="supply", suppliers=payers, recipients=base.suppliers)
        return [replace(counter, items=tuple(f.item for f in paid))]

    def _without_announcers(self, found: list[FoundItem]) -> list[FoundItem]:
        """`found` without a generic item that announces the list after it (« trois types d'armes : des drones,
        des missiles et des obus »): the list names the items, the announcing noun counts them."""
        if len(found) < 2:
            return found
        kept = []
        for f in found:
            end = max(f.words.stop, f.token.i + 1)
            doc = f.token.doc
            entry = self.vocabulary.items.get(f.item.iri or "")
            announces = (
                entry is not None
                and entry.generic
                and end < len(doc)
                and doc[end].text in self.grammar.list_openers
                and any(other.token.i > end for other in found)
            )
            if not announces:
                kept.append(f)
        return kept

    def _is_personnel(self, token: Token, mentions: dict[int, Mention]) -> bool:
        """Whether `token` names people (« soldats », « techniciens »)."""
        mention = mentions.get(token.i)
        return (
            mention is not None
            and mention.kind == "item"
            and self.vocabulary.items[mention.iris[0]].category == "personnel"
        )

    def _training(self, trigger: Token, found: list[FoundItem]) -> bool:
        """Personnel moving for training (« des soldats ukrainiens vont arriver en France pour être formés », « 65
        personnes qui seront formées à la maintenance »): training is no transfer, in either direction."""
        if not found or any(f.item.category != "personnel" for f in found):
            return False
        words = {*trigger.subtree, *(t for f in found for t in f.token.subtree)}
        return any(self._trained(word) for word in words)

    def _trained(self, word: Token) -> bool:
        """Whether `word` says someone is trained (« pour être formés », « formées », « s'entraîner », « en
        formation »), not that someone trains others (« envoyés pour former les militaires russes »: instructors
        are supplied)."""
        if word.lemma_.lower() not in self.grammar.training_words:
            return False
        if word.pos_ == "NOUN":
            return not any(c.dep_ == "nmod" for c in word.children)
        passive = any(c.dep_ == "aux:pass" for c in word.children) or "Pass" in word.morph.get("Voice", [])
        reflexive = any("Yes" in c.morph.get("Reflex", []) for c in word.children)
        participle = word.morph.get("VerbForm", []) == ["Part"]
        return passive or reflexive or participle

    def _out_of_scope(self, rule: Rule, trigger: Token) -> bool:
        """Whether the match states no event the guidelines count: a transfer a ban governs (« interdire
        l'exportation de puces vers la Chine », « lever l'interdiction d'exporter des armes »: export bans are
        not annotated), or a use a word of capability governs (« capables de déployer des HIMARS »)."""
        bans = self.grammar.ban_words
        capability = self.grammar.capability_words
        token = trigger
        for _ in range(4):
            lemma = token.lemma_.lower()
            if token.i != trigger.i and lemma in bans:
                return True
            if rule.relation == "use" and token.i != trigger.i and lemma in capability:
                return True
            if token.head.i == token.i or token.dep_ in ("advcl", "parataxis", "conj", "root", "ROOT"):
                break
            token = token.head
        return False

    def _in_locution(self, noun: Token) -> bool:
        """Whether a noun is the head word of a prepositional locution (« à l'aide de », « au profit de »)."""
        doc = noun.doc
        before = [t.lower_.replace("’", "'") for t in doc[max(noun.i - 2, 0) : noun.i]]
        after = doc[noun.i + 1].lower_.replace("’", "'") if noun.i + 1 < len(doc) else ""
        for size in (1, 2):
            marker = self.grammar.normalise_marker(" ".join([*before[-size:], noun.lower_, after]))
            if marker in self.grammar.locutions:
                return True
        return False

    def _names_nothing(self, trigger: Token, rule: Rule) -> bool:
        """Whether a trigger whose rule found no items names no goods at all, so that its items are the article's
        to give: « les premières livraisons », « la Pologne livrera en mars », « six seront livrés ». A noun it
        governs that is neither a party nor a count (« des livraisons de gaz », « envoyer un émissaire ») names
        goods the vocabulary does not know, which are not arms."""
        roles = ("obj", "nsubj:pass") if trigger.pos_ in ("VERB", "AUX") else ("nmod", "obl:arg", "obl:mod", "obj")
        if any(c.dep_ in ("xcomp", "ccomp", "cop") for c in trigger.children):
            # « promettre de livrer » promises the act its clause states; « c'est un don » describes one.
            return False
        # « fournir plus de détails »: what a quantity adverb counts is the object.
        objects: list[Token] = []
        for child in trigger.children:
            if child.dep_ in roles and child.pos_ == "ADV" and child.lower_ in self.grammar.quantity_adverbs:
                objects.extend(child.children)
            elif child.dep_ in roles:
                objects.append(child)
        for child in objects:
            if child.pos_ not in ("NOUN", "PROPN"):
                continue
            if (
                trigger.pos_ == "NOUN"
                and child.head.i == trigger.i
                and self.arguments.marker(child) not in ("de", "en")
            ):
                continue
            if _is_quantifier(child, self.grammar) and not any(c.dep_ == "nmod" for c in child.children):
                continue
            if self._is_agent_noun(child) or child.pos_ == "PROPN" or child.lemma_ in self.grammar.party_nouns:
                continue
            return False
        return not (rule.voice == "passive" and not any(c.dep_ in SUBJECTS for c in trigger.children))

    def _money_object(self, trigger: Token) -> bool:
        """Whether the trigger's object states a sum of money (« verser 300 millions de dollars », « débloquer une
        enveloppe de 2 milliards d'euros »), not an agreement worth one (« accorder un contrat de … »)."""
        currencies = self.grammar.currencies
        return any(
            child.dep_ in ("obj", "nsubj:pass")
            and child.lemma_ not in self.grammar.agreement_nouns
            and any(t.lower_ in currencies or t.lemma_.lower() in currencies for t in child.subtree)
            for child in trigger.children
        )

    def _asker_speaks(self, sentence: Sentence, askers: tuple[Actor, ...], mentions: dict[int, Mention]) -> bool:
        """Whether the one reporting a request is the asker itself (« le ministre sud-coréen a indiqué que Séoul
        avait besoin de composants »): its own word is the request, stated, not relayed (ANNOTATION_DECISIONS)."""
        keys = {a.key for a in askers}
        return bool(keys) and any(
            a.key in keys
            for word in self.attribution.speakers(sentence.span)
            for a in self.resolve_actors(word, mentions, 3)
        )

    def _commissioned(self, trigger: Token) -> bool:
        """Whether production at `trigger` is ordered or paid for (« un contrat … pour produire des obus »,
        « financer la production de drones »): a commission word governs it, or is the object of a verb that does."""
        token = trigger
        for _ in range(3):
            if token.head.i == token.i:
                return False
            token = token.head
            if token.lemma_ in self.grammar.commission_words or any(
                c.dep_ == "obj" and c.lemma_ in self.grammar.commission_words for c in token.children
            ):
                return True
        return False

    def _asked_for(self, trigger: Token, acquiring: bool) -> Token | None:
        """The verb that makes the transfer at `trigger` a request, if any: a request verb governing it (« Kiev
        demande à l'OTAN de livrer … », « Varsovie a appelé Washington à accélérer la livraison »), or, for an
        acquisition (a purchase, « obtenir »), a verb of wanting or seeking (« Taïwan a souhaité acquérir des
        drones », « l'Arménie s'est tournée vers l'Inde pour obtenir des systèmes »)."""
        if trigger.pos_ in ("VERB", "AUX") and trigger.morph.get("VerbForm", []) != ["Inf"] and trigger.dep_ != "ccomp":
            return None  # what one asks for is an infinitive (« demander à X de livrer ») or a noun, not « X livre »
        token = trigger
        for _ in range(3):
            if (
                token.dep_ not in ("xcomp", "ccomp", "acl", "obj", "obl:arg", "nmod", "advcl")
                or token.head.i == token.i
            ):
                return None
            purpose = token.dep_ == "advcl" and token.morph.get("VerbForm", []) == ["Inf"]
            if token.dep_ == "advcl" and not purpose:
                return None  # « …: l'Iran l'approvisionne »: a clause with its own verb form is no purpose
            token = token.head
            if token.pos_ == "NOUN" and acquiring and token.lemma_ in self.grammar.acquisition_request_governors:
                return token  # « dans l'espoir d'obtenir des F-16 »
            if token.pos_ != "VERB":
                continue
            lemma = token.lemma_
            if lemma in self.grammar.cessation_verbs:
                return None  # « appeler Pyongyang à arrêter ses ventes d'armes »: no items are asked for
            if not purpose and (lemma in self._request_lemmas or lemma in self.grammar.request_governors):
                return token
            if purpose and lemma in self.grammar.purpose_request_governors:
                return token  # « se tourner vers un paria pour fournir des munitions à ses troupes »
            if acquiring and lemma in self.grammar.acquisition_request_governors and not purpose:
                return token
        return None

    def _asked(self, asker: Token, mentions: dict[int, Mention]) -> tuple[Actor, ...]:
        """Whom a request verb asks: the party one turns to (« se tourner vers l'Inde »)."""
        return _unique(
            actor
            for arg in self.arguments.direct(asker)
            if arg.marker in self.grammar.asked_markers
            or (not arg.marker and arg.rel in ("obj", "iobj", "xcomp") and arg.token.pos_ in ("PROPN", "NOUN"))
            for actor in self.resolve_actors(arg.token, mentions)
        )

    def _implied_item_iri(self, rule: Rule) -> str:
        for iri in self.vocabulary.items:
            if iri.rsplit("/", 1)[-1] == rule.implied_item:
                return iri
        raise RuleError(f"{rule.source}: {rule.id}: implied_item '{rule.implied_item}' is not an item type")

    # -- coreference memory -----------------------------------------------

    def _remember_actors(self, sentence: Sentence, mentions: dict[int, Mention]) -> None:
        """Record the actors and named items a sentence names, before its pronouns are resolved."""
        doc = sentence.span.doc
        seen: set[int] = set()
        for i in range(sentence.span.start, sentence.span.end):
            mention = mentions.get(i)
            if mention is None or mention.start in seen:
                continue
            seen.add(mention.start)
            root = doc[mention.start : mention.end].root
            if mention.kind == "item":
                named = not self.vocabulary.items[mention.iris[0]].generic
                nested = False
                word = root
                while word.dep_ == "nmod" and word.head.pos_ in ("NOUN", "PROPN") and not nested:
                    word = word.head
                    outer = mentions.get(word.i)
                    nested = outer is not None and outer.kind == "item" and outer is not mention
                item = self._item(mention.iris[0], root.text, None, None)
                self.coreference.remember_item(item, root, named, nested)
                continue
            if mention.kind == "demonym" and root.dep_ == "amod" and self._is_agent_noun(root.head):
                # « le Premier ministre suédois … son pays »: an agent noun with a nationality names its country.
                for actor in self._mention_actors(mention, doc):
                    self.coreference.remember(actor, root.head, None, None)
                continue
            if mention.kind != "actor":
                continue
            for actor in self._mention_actors(mention, doc):
                entry = self.vocabulary.actors.get(actor.iri or "")
                self.coreference.remember(actor, root, entry.gender if entry else None, entry.number if entry else None)

    def _remember_pronoun_subjects(self, sentence: Sentence, mentions: dict[int, Mention]) -> None:
        """A subject pronoun resolved to an actor names that actor again (« elle … elle »)."""
        for token in sentence.span:
            if token.dep_ in SUBJECTS and self.coreference.is_pronoun(token):
                for actor in self.resolve_actors(token, mentions):
                    self.coreference.remember(actor, token, None, None)

    # -- resolution -------------------------------------------------------

    def _actor(self, iri: str, text: str) -> Actor:
        entry = self.vocabulary.actors[iri]
        return Actor(label=entry.label, qid=entry.qid, iri=iri, kind=entry.kind, label_fr=entry.label_fr, text=text)

    def _mention_actors(self, mention: Mention | None, doc: Doc) -> tuple[Actor, ...]:
        """The actors a name stands for: a group named as a whole (« les États baltes ») stands for its members."""
        if mention is None or mention.kind not in ("actor", "demonym"):
            return ()
        text = doc[mention.start : mention.end].text
        iris = [m for iri in mention.iris for m in (self.vocabulary.actors[iri].members or (iri,))]
        actors = tuple(self._actor(iri, text) for iri in iris if iri in self.vocabulary.actors)
        return tuple(a for a in actors if a.kind != "Media")

    def resolve_actors(
        self, token: Token, mentions: dict[int, Mention], depth: int = 0, side: str | None = None
    ) -> tuple[Actor, ...]:
        """The actors a role filler stands for: a name, a metonym, « l'armée russe ».

        `side` is the side of a transfer the filler takes ("suppliers", "recipients"), if any: of two parties a
        pronoun may stand for, the article frame prefers the one playing that side in the article.
        """
        doc = token.doc
        direct = self._mention_actors(mentions.get(token.i), doc)
        if direct:
            return direct
        elliptic = self._elliptic_name(token)
        if elliptic is not None:
            return (elliptic,)
        if self.coreference.is_first_person(token):
            # « "Nous soutiendrons l'Ukraine", a déclaré le chef de l'OTAN »: the speaker.
            return self._speaker
        if self.coreference.is_pronoun(token):
            if "Yes" in token.morph.get("Poss", []) and token.head.head.pos_ in ("VERB", "AUX") and depth < 3:
                # « X poursuit ses livraisons »: a possessive on the object is bound by the subject, itself a
                # pronoun (« elle se tourne … pour fournir des munitions à ses troupes ») or a relative pronoun
                # (« les États-Unis, qui vont refaire leurs stocks après leurs transferts »).
                for arg in self.arguments.subject_of(token.head.head):
                    if arg.rel == "nsubj" and arg.token.i not in (token.i, token.head.i):
                        subject = next(iter(self.arguments.resolve_relative(arg)), arg).token
                        if self.coreference.is_pronoun(subject) and "Yes" in subject.morph.get("Poss", []):
                            continue
                        bound = self.resolve_actors(subject, mentions, depth + 1)
                        if bound:
                            return bound
            exclude = set() if "Yes" in token.morph.get("Poss", []) else self._clause_subjects(token, mentions, depth)
            candidates = self.coreference.candidates(token, exclude)
            if len(candidates) > 1 and side is not None:
                self._consult()
                if self._frame is None:
                    # First pass: an ambiguous party is left unresolved, so that the frame is built from
                    # unambiguous statements only; the second pass resolves it with the frame.
                    return ()
                preferred = self._frame.prefer(candidates, side)
                if preferred is not None:
                    return (preferred,)
            return (candidates[0],) if candidates else ()
        is_party = token.pos_ == "NOUN" and self._is_party_noun(token)
        members = self._members(token, mentions) if is_party or token.lemma_ in self.grammar.collective_nouns else ()
        if depth < 3 and token.pos_ in ("NOUN", "NUM") and _is_quantifier(token, self.grammar):
            # « vers une trentaine de pays », « à des dizaines d'États »: the parties counted.
            for child in token.children:
                if child.dep_ == "nmod" and "de" in self.arguments.case_words(child):
                    counted = self.resolve_actors(child, mentions, depth + 1)
                    if counted:
                        return counted
        if depth < 3 and token.lemma_ in self.grammar.collective_nouns or token.lower_ in self.grammar.collective_nouns:
            for child in token.children:
                if (
                    child.dep_ == "nmod"
                    and "de" in self.arguments.case_words(child)
                    and not self._narrowed(child, mentions)
                ):
                    found = self.resolve_actors(child, mentions, depth + 1)
                    if found:
                        # « plusieurs membres de l'OTAN, notamment la Turquie »: the alliance, and the named one.
                        return _unique((*found, *members))
        if is_party:
            listed = self._listed_members(token, mentions)
            if listed:
                return listed
            if members:
                return (self._unnamed(token), *members)
            named = self._name_after_noun(token, mentions) or any(
                getattr(mentions.get(c.i), "kind", None) == "actor" for c in token.children
            )
            if "Sing" in token.morph.get("Number", []) and not named:
                # « à sa voisine russe », « son allié iranien »: one party, named by its nationality (but « le
                # groupe français Nexter » is Nexter).
                # (The parser may make the noun the adjective's modifier: « sa voisine russe ».)
                inverted = (token.head,) if token.dep_ == "amod" and token.head.i > token.i else ()
                for child in (*(c for c in token.children if c.dep_ == "amod"), *inverted):
                    if child.pos_ == "ADJ":
                        found = self._mention_actors(mentions.get(child.i), doc)
                        if len(found) == 1:
                            return found
        if self._is_agent_noun(token):
            named = self._name_after_noun(token, mentions)
            if named:
                return named
            # A place names its country by its « de » complement first: « la région occidentale de la Russie ».
            # A name beats a nationality: « le groupe français Nexter » is Nexter.
            place = token.lemma_.lower() in self.grammar.place_nouns
            children = sorted(
                token.children,
                key=lambda c: (
                    getattr(mentions.get(c.i), "kind", None) != "actor",
                    not (place and c.dep_ == "nmod"),
                    c.i,
                ),
            )
            for child in children:
                if child.dep_ in ("amod", "nmod", "appos", "flat:name", "flat", "compound"):
                    found = self._mention_actors(mentions.get(child.i), doc)
                    if found:
                        return found
            for child in token.children:
                if child.dep_ == "acl" and child.lemma_.lower() in self.grammar.affiliation_participles:
                    # « des entreprises liées au Parti communiste chinois », « une société basée en Turquie »:
                    # whom an agent is tied to is whom it stands for.
                    for tie in child.children:
                        if tie.dep_.startswith("obl") or tie.dep_ == "obj":
                            found = self._mention_actors(mentions.get(tie.i), doc) or next(
                                (
                                    a
                                    for c in tie.children
                                    if c.dep_ in ("amod", "nmod")
                                    for a in (self._mention_actors(mentions.get(c.i), doc),)
                                    if a
                                ),
                                (),
                            )
                            if found:
                                return found
        for child in token.children:
            if child.dep_ in ("appos", "flat:name", "flat"):
                found = self._mention_actors(mentions.get(child.i), doc)
                if found:
                    return found
        lemma = token.lemma_
        if (lemma in self.coreference.relational or token.lower_ in self.coreference.relational) and depth < 3:
            partner = self._relational_partner(token, mentions, depth)
            if partner:
                return partner
        if lemma in self.coreference.descriptions and lemma not in self.coreference.relational and depth < 3:
            for det in token.children:
                if det.dep_ == "det" and "Yes" in det.morph.get("Poss", []):
                    # « son pays », « leur gouvernement »: the possessor itself.
                    owner = self.resolve_actors(det, mentions, depth + 1)
                    if owner:
                        return owner
        described = self.coreference.resolve_description(token, self._clause_subjects(token, mentions, depth))
        if described is not None:
            return (described,)
        if is_party:
            return (self._unnamed(token),)
        if side is not None and depth < 2 and token.pos_ == "NOUN" and token.dep_ == "obj":
            # « équiper leurs avions », « ravitailler ses troupes »: a party's own things stand for it.
            for det in token.children:
                if det.dep_ == "det" and "Yes" in det.morph.get("Poss", []):
                    return self.resolve_actors(det, mentions, depth + 1)
        return ()

    def _speaker_of(self, unit: SentenceUnit) -> tuple[Actor, ...]:
        """The actor a sentence names as speaker (its reporting verb's subject), if it resolves to one."""
        for word in self.attribution.speakers(unit.sentence.span):
            if self.coreference.is_first_person(word) or self.coreference.is_pronoun(word):
                continue  # « a-t-il ajouté »: the speaker of the quotation so far (the caller's fallback)
            actors = self.resolve_actors(word, unit.mentions, 3)
            if actors:
                return actors[:1]
        return ()

    def _quote_speaker(self, units: list[SentenceUnit], k: int, previous: tuple[Actor, ...]) -> tuple[Actor, ...]:
        """The speaker of a sentence that names none by name: the one before it when the sentence reports with a
        pronoun (« …, a-t-il ajouté ») or closes a quotation; the next sentence's when it opens a quotation the
        next one closes (« "… Nous fournirons …" » then « a dit X »); else nobody."""
        sentence = units[k].sentence
        if any(self.coreference.is_pronoun(w) for w in self.attribution.speakers(sentence.span)):
            return previous
        text = sentence.text
        opens = text.count("«") + text.count("“")
        closes = text.count("»") + text.count("”")
        if opens > closes and k + 1 < len(units):
            return self._speaker_of_names(units[k + 1]) or previous
        if closes > opens or (text.count('"') % 2 == 1):
            return previous
        return ()

    def _speaker_of_names(self, unit: SentenceUnit) -> tuple[Actor, ...]:
        """The speaker a sentence names with a name (no pronoun: its coreference is not read yet)."""
        for word in self.attribution.speakers(unit.sentence.span):
            found = self._mention_actors(unit.mentions.get(word.i), word.doc)
            if not found and self._is_agent_noun(word):
                found = self._name_after_noun(word, unit.mentions) or next(
                    (
                        actors
                        for child in word.children
                        if child.dep_ in ("amod", "nmod", "appos", "flat:name")
                        for actors in (self._mention_actors(unit.mentions.get(child.i), word.doc),)
                        if actors
                    ),
                    (),
                )
            if not found:
                found = next(
                    (
                        actors
                        for child in word.children
                        if child.dep_ in ("appos", "flat:name", "nmod")
                        for actors in (self._mention_actors(unit.mentions.get(child.i), word.doc),)
                        if actors
                    ),
                    (),
                )
            if found:
                return found[:1]
        return ()

    def _relational_partner(self, token: Token, mentions: dict[int, Mention], depth: int) -> tuple[Actor, ...]:
        """Who « son allié », « sa voisine », « leur partenaire » is: a nationality on the noun names it (« son allié
        russe »); else, singular and with a possessive, the one partner the article frame gives the possessor."""
        for child in token.children:
            if child.dep_ == "amod":
                named = self._mention_actors(mentions.get(child.i), token.doc)
                if named:
                    return named
        if "Plur" in token.morph.get("Number", []):
            return ()
        owners = [
            owner
            for det in token.children
            if det.dep_ == "det" and "Yes" in det.morph.get("Poss", [])
            for owner in self.resolve_actors(det, mentions, depth + 1)
        ]
        if len(owners) != 1:
            return ()
        self._consult()
        partner = self._frame.partner(owners[0]) if self._frame is not None else None
        return (partner,) if partner is not None and partner.key != owners[0].key else ()

    def _elliptic_name(self, token: Token) -> Actor | None:
        """« le Nord » for North Korea, « le Sud » for South Korea, in an article that names one of them: the
        capitalised cardinal point standing alone for the country named « … du Nord »/« … du Sud »."""
        suffix = self.grammar.elliptic_points.get(token.text)
        if suffix is None or not any(c.dep_ == "det" for c in token.children):
            return None
        if any(c.dep_ in ("nmod", "amod", "flat:name") for c in token.children):
            return None  # « le Nord de l'Ukraine », « le Grand Nord »
        for actor in [*self.coreference.named(), *(self._frame.actors.values() if self._frame else ())]:
            if actor.kind == "Country" and (actor.label_fr or "").endswith(suffix):
                return actor
        for actor in self.coreference.named():
            # « le Nord » in an article naming only South Korea: the country of the same name but for the point.
            label = actor.label_fr or ""
            for other in self.grammar.elliptic_points.values():
                if actor.kind == "Country" and label.endswith(other) and other != suffix:
                    twin = self._twin_country(label[: -len(other)], suffix)
                    if twin is not None:
                        return twin
        return None

    def _twin_country(self, stem: str, suffix: str) -> Actor | None:
        label = f"{stem}{suffix}"
        for iri, entry in self.vocabulary.actors.items():
            if entry.kind == "Country" and entry.label_fr == label:
                return self._actor(iri, label)
        return None

    def _naming_phrase(self, word: Token, head: Token) -> bool:
        """Whether `word` is in a phrase that names the noun `head` (« des chars Leopard », « des drones de type
        Shahed »), not one of another preposition (« des munitions à ses troupes », « des obus pour les chars »)."""
        while word.i != head.i:
            if word.dep_ in ("nmod", "obl", "obl:arg", "obl:mod") and self.arguments.marker(word) not in ("", "de"):
                return False
            word = word.head
        return True

    def _name_after_noun(self, noun: Token, mentions: dict[int, Mention]) -> tuple[Actor, ...]:
        """The actor named right after an agent noun and its adjectives, wherever the parser hangs the name: « au
        groupe français Nexter », « le constructeur américain Lockheed Martin »."""
        doc, i = noun.doc, noun.i + 1
        while i < noun.sent.end and doc[i].pos_ == "ADJ" and doc[i].head.i == noun.i:
            i += 1
        mention = mentions.get(i) if i < noun.sent.end else None
        if mention is None or mention.kind != "actor" or mention.start != i:
            return ()
        return self._mention_actors(mention, doc)

    def _is_party_noun(self, token: Token) -> bool:
        """A noun that names parties without naming them (« pays », « alliés », « fournisseurs »)."""
        return token.lemma_ in self.grammar.party_nouns or token.lower_ in self.grammar.party_nouns

    def _is_agent_noun(self, token: Token) -> bool:
        """A noun that stands for a country when a name or nationality qualifies it (« l'armée russe »), or is a
        place in it (« dans la région russe de Koursk », « sur le sol ukrainien »)."""
        nouns = self.grammar.agent_nouns | self.grammar.place_nouns
        return token.pos_ in ("NOUN", "PROPN") and (token.lemma_.lower() in nouns or token.lower_ in nouns)

    def _clause_subjects(self, token: Token, mentions: dict[int, Mention], depth: int) -> set[str]:
        """Actors of the subject of `token`'s clause when `token` is not the subject: they cannot be its referent."""
        exclude: set[str] = set()
        if token.dep_ in SUBJECTS or depth > 2:
            return exclude
        for arg in self.arguments.subject_of(token.head):
            if arg.token.i != token.i and not self.coreference.is_pronoun(arg.token):
                exclude.update(a.key for a in self.resolve_actors(arg.token, mentions, depth + 1))
        return exclude

    def _listed_members(self, group: Token, mentions: dict[int, Mention]) -> tuple[Actor, ...]:
        """The members a colon or a dash lists right after a group noun: « vers trois pays : l'Argentine (156), le
        Liban (10) et les Philippines (28) », « Quatre pays — le Danemark, la Norvège et la Belgique — ». Read from
        the words (the parser hangs the list anywhere); the list is the group, so the members replace it."""
        doc, sentence = group.doc, group.sent
        i = group.i + 1
        while i < sentence.end:
            if doc[i].pos_ in ("ADJ", "NUM") and doc[i].head.i == group.i:
                i += 1
            elif doc[i].pos_ == "ADP" and i + 1 < sentence.end and self._time_phrase(doc[i + 1]):
                i += 2  # « vers trois pays en 2023 : … »
            else:
                break
        if i >= sentence.end or doc[i].text not in self.grammar.list_openers:
            return ()
        closer = doc[i].text if doc[i].text in ("—", "–", "(") else None
        found: list[Actor] = []
        depth = 0
        for token in doc[i + 1 : sentence.end]:
            if token.text == "(":
                depth += 1  # « l'Argentine (156) »: a count, not a member
                continue
            if token.text == ")":
                depth -= 1
                if depth < 0:
                    break
                continue
            if depth > 0:
                continue
            if closer is not None and token.text in ("—", "–"):
                break
            if token.pos_ in ("VERB", "AUX") or token.text in (";", ":"):
                break
            mention = mentions.get(token.i)
            if mention is not None and mention.start == token.i:
                found.extend(self._mention_actors(mention, doc))
        return _unique(found) if len(found) >= 2 else ()

    def _narrowed(self, place: Token, mentions: dict[int, Mention]) -> bool:
        """Whether a named place is narrowed by an adjective outside its name: « des pays d'Europe centrale » are
        not Europe's."""
        mention = mentions.get(place.i)
        if mention is None:
            return False
        return any(c.dep_ == "amod" and not mention.start <= c.i < mention.end for c in place.children)

    def _time_phrase(self, word: Token) -> bool:
        """Whether `word` is a year or a noun of time (« en 2023 », « en mars »)."""
        return (word.like_num and len(word.text) == 4) or word.lemma_.lower() in self.grammar.time_nouns

    def _members(self, group: Token, mentions: dict[int, Mention]) -> tuple[Actor, ...]:
        """Named members of a group noun: « 18 pays, dont la France et l'Allemagne », from the tree, else from
        the words."""
        return self._members_in_tree(group, mentions) or self._members_after(group, mentions)

    def _members_after(self, group: Token, mentions: dict[int, Mention]) -> tuple[Actor, ...]:
        """« à 64 pays, dont l'Inde, le Qatar et l'Égypte »: the names after a member marker that follows the group
        noun's own phrase (« quatre pays d'Europe centrale, notamment … »). The parser hangs them anywhere."""
        doc, sentence = group.doc, group.sent
        i = group.i + 1
        # The group's own words: adjectives, numbers, a « de » complement.
        while i < sentence.end and i - group.i <= 6 and doc[i].text != "," and doc[i].pos_ not in ("VERB", "AUX"):
            if doc[i].lower_ in self.grammar.list_conjunctions:
                return ()
            i += 1
        if i >= sentence.end or doc[i].text != ",":
            return ()
        i += 1
        words = tuple(t.lower_ for t in doc[i : i + 3])
        locution = next((m for m in self.arguments.g.member_locutions if words[: len(m)] == m), None)
        if locution is None:
            return ()
        i += len(locution)
        found: list[Actor] = []
        while i < sentence.end:
            while i < sentence.end and doc[i].pos_ == "DET":
                i += 1
            mention = mentions.get(i)
            if mention is None or mention.kind != "actor" or mention.start != i:
                break
            found.extend(self._mention_actors(mention, doc))
            i = mention.end
            if i < sentence.end and (doc[i].text == "," or doc[i].lower_ in self.grammar.list_conjunctions):
                i += 1
                continue
            break
        return _unique(found)

    def _members_in_tree(self, group: Token, mentions: dict[int, Mention]) -> tuple[Actor, ...]:
        """Named members the parser hung on a group noun behind a member marker."""
        found: list[Actor] = []
        for child in group.children:
            if child.dep_ not in ("nmod", "appos", "acl:relcl", "acl", "obl:mod"):
                continue
            introduced = child.i > group.i and any(
                grand.lower_ in self.grammar.member_markers and grand.i < child.i for grand in child.children
            )
            if not introduced:
                continue
            for member in (child, *(c for c in child.subtree if c.dep_ == "conj" and c.head.i != group.i)):
                found.extend(self._mention_actors(mentions.get(member.i), group.doc))
        return _unique(found)

    def _unnamed(self, token: Token) -> Actor:
        """An actor the article does not name, labelled with its head noun and modifiers (« 18 pays »)."""
        words = [token]
        for child in token.children:
            if child.dep_ in ("nummod", "amod") or (
                child.dep_ == "nmod" and child.i > token.i and self.arguments.marker(child) == "de"
            ):
                words.extend(t for t in child.subtree if t.dep_ not in ("det", "punct") or t.pos_ == "ADP")
        words = [w for w in words if not (w.dep_ == "det" and w.head.i == token.i)]
        french = " ".join(t.text for t in sorted(set(words), key=lambda t: t.i))[:80]
        return Actor(label=self._english_party(token, french), label_fr=french, text=french)

    def _english_party(self, token: Token, french: str) -> str:
        """An English label like the vocabulary's (« 18 pays » → 18 countries), else the French words."""
        nouns: dict[str, str] = self._party_labels["nouns"]
        modifiers: dict[str, str] = self._party_labels["modifiers"]
        noun = nouns.get(token.lower_) or nouns.get(token.lemma_.lower())
        if noun is None:
            return french
        before = [modifiers.get(c.lower_, c.text) for c in token.children if c.dep_ == "nummod" and c.like_num]
        before += [
            modifiers[c.lower_]
            for c in sorted(token.children, key=lambda t: t.i)
            if c.dep_ in ("amod", "det", "nmod", "compound") and c.lower_ in modifiers
        ]
        return " ".join([*before, noun])

    def _item(self, iri: str, text: str, quantity: int | str | None, quantity_text: str | None) -> Item:
        entry = self.vocabulary.items[iri]
        return Item(
            label=entry.label,
            category=entry.category,
            iri=iri,
            quantity=quantity,
            quantity_text=quantity_text,
            text=text,
        )

    def _origin(self, token: Token, mentions: dict[int, Mention]) -> tuple[Actor, ...]:
        doc = token.doc
        found: list[Actor] = []
        for child in token.subtree:
            if child.i == token.i or not _within(child, token, NP_BOUNDARIES):
                continue
            mention = mentions.get(child.i)
            direct = child.head.i == token.i
            if direct and child.dep_ in ("amod", "acl") and mention is not None and mention.kind == "demonym":
                found.extend(self._mention_actors(mention, doc))
            elif direct and child.dep_ == "nmod" and self._is_personnel(token, mentions) and self._is_agent_noun(child):
                # « des soldats des forces spéciales nord-coréennes »: people of an army are of its country.
                found.extend(self.resolve_actors(child, mentions, 2))
            elif direct and child.dep_ == "nmod" and mention is not None and mention.kind == "actor":
                # « des composants de Chine », « des drones d'Iran »: a country after a bare « de » is where the
                # items come from; with an article (« les chars de la Pologne ») it may be who holds them.
                if self.arguments.case_words(child) == ["de"] and not any(c.dep_ == "det" for c in child.children):
                    found.extend(a for a in self._mention_actors(mention, doc) if a.kind == "Country")
            else:
                found.extend(self._stated_origin(child, mentions))
        return tuple(found)

    def _detached_origin(self, head: Token, words: Span, mentions: dict[int, Mention]) -> tuple[Actor, ...]:
        """The origin of items whose words (`words`, headed by `head`) the parser split: « des chars Leopard
        allemands » with the name and its adjective hung on the verb, « des drones turcs Bayraktar » with
        « turcs » taken for a verb. An origin on a detached word of the name describes the items, and so does
        a nationality adjective right after the words that is no other noun's."""
        for word in words:
            mention = mentions.get(word.i)
            if word.i != head.i and mention is not None and mention.kind == "demonym":
                # « des avions d'attaque brésiliens Super Tucano »: a nationality inside the name's words.
                return self._mention_actors(mention, words.doc)
            if word.i != head.i and not words.start <= word.head.i < words.end:
                mention = mentions.get(word.i)
                if mention is not None and mention.kind == "demonym":
                    return self._mention_actors(mention, words.doc)
                origin = self._origin(word, mentions)
                if origin:
                    return origin
        after = mentions.get(words.end) if words.end < words.sent.end else None
        if after is None or after.kind != "demonym":
            return ()
        adjective = words.doc[words.end]
        other = adjective.head
        if adjective.dep_ == "amod" and other.pos_ in ("NOUN", "PROPN") and not words.start <= other.i < words.end:
            return ()
        return self._mention_actors(after, words.doc)

    def _stated_origin(self, token: Token, mentions: dict[int, Mention]) -> tuple[Actor, ...]:
        """The origin an origin noun states: « de fabrication iranienne », « en provenance d'Iran »."""
        if token.lemma_.lower() not in self.grammar.origin_nouns and token.lower_ not in self.grammar.origin_nouns:
            return ()
        found: list[Actor] = []
        for grand in token.children:
            if grand.dep_ in ("amod", "nmod"):
                found.extend(self._mention_actors(mentions.get(grand.i), token.doc))
        return tuple(found)

    def _elliptic_items(
        self, mention: Mention, doc: Doc, mentions: dict[int, Mention], origin: tuple[Actor, ...]
    ) -> list[FoundItem]:
        """The kinds coordinated after an item's name by their adjectives alone (« des missiles antichars et
        sol-air »), which share its noun, its origin and nothing of its count."""
        found = []
        i = mention.end
        while i + 1 < len(doc) and doc[i].lower_ in (",", "et", "ou"):
            shared = mentions.get(i + 1)
            if shared is None or not shared.elliptic or shared.start != i + 1:
                break
            words = doc[shared.start : shared.end]
            item = self._item(shared.iris[0], words.text, None, None)
            found.append(FoundItem(item, words.root, origin, range(shared.start, shared.end)))
            i = shared.end
        return found

    def resolve_items(self, token: Token, mentions: dict[int, Mention], depth: int = 0) -> list[FoundItem]:
        """The items a role filler names, looking through « des millions de » and naming appositions."""
        doc = token.doc
        mention = mentions.get(token.i)
        if mention is not None and mention.kind == "actor":
            # « l'envoi de troupes nord-coréennes »: an army named by its people is personnel of that party where
            # items are expected.
            root = doc[mention.start : mention.end].root
            iri = self.vocabulary.item_aliases.get(root.lower_)
            if iri is not None and self.vocabulary.items[iri].category == "personnel":
                quantity, quantity_text = read_quantity(root, None)
                item = self._item(iri, doc[mention.start : mention.end].text, quantity, quantity_text)
                origin = self._mention_actors(mention, doc)
                return [FoundItem(item, root, origin, range(mention.start, mention.end))]
        if mention is not None and mention.kind == "item":
            iri = mention.iris[0]
            head = doc[mention.start : mention.end].root
            words_end = mention.end
            entry = self.vocabulary.items[iri]
            if depth < 2 and (entry.generic or entry.category == "equipment"):
                # « une aide militaire comprenant des chars et des obus »: what it contains names it better.
                # « des drones, dont des Shahed » names drones; « des missiles contenant des puces » does not name
                # the missiles: the parts of a kind of weapon are components, not what it is.
                contained = _distinct_items(
                    found
                    for word in doc[mention.start : mention.end]
                    for arg in self.arguments.contents(word)
                    for found in self.resolve_items(arg.token, mentions, depth + 1)
                    if entry.category == "equipment" or found.item.category == entry.category
                )
                if contained:
                    return contained
            best_iri, best_text = iri, doc[mention.start : mention.end].text
            # A named system next to a generic noun names it better: « des chars Leopard ».
            if entry.generic:
                for child in head.subtree:
                    other = mentions.get(child.i)
                    if (
                        other is not None
                        and other.kind == "item"
                        and other is not mention
                        and not self.vocabulary.items[other.iris[0]].generic
                        and _within(child, head, NP_BOUNDARIES)
                        and self._naming_phrase(child, head)
                    ):
                        best_iri, best_text = other.iris[0], doc[other.start : other.end].text
                        break
            if best_iri == iri:
                # The parser often misattaches the name that follows: « des chars Leopard », also after a
                # nationality adjective: « des drones turcs Bayraktar », « des chars allemands Leopard 2 ».
                after = mention.end
                if after < len(doc) and getattr(mentions.get(after), "kind", None) == "demonym":
                    after = mentions[after].end
                following = mentions.get(after) if after < len(doc) else None
                if following is not None and following.kind == "item":
                    name = self.vocabulary.items[following.iris[0]]
                    if not name.generic and (entry.generic or name.category == entry.category):
                        best_iri, best_text = name.iri, doc[following.start : following.end].text
                        words_end = following.end
            if best_iri == iri and self.vocabulary.items[iri].generic:
                antecedent = self.coreference.resolve_item(head, self.vocabulary.items[iri].category, self._broad)
                if antecedent is not None and antecedent.iri is not None:
                    best_iri = antecedent.iri
            quantifier = token.head if token.dep_ == "nmod" and _is_quantifier(token.head, self.grammar) else None
            quantity, quantity_text = read_quantity(head, quantifier)
            words = doc[mention.start : words_end]
            origin = self._origin(head, mentions) or self._detached_origin(head, words, mentions)
            item = self._item(best_iri, best_text, quantity, quantity_text)
            return [
                FoundItem(item, head, origin, range(words.start, words.end)),
                *self._elliptic_items(mention, doc, mentions, origin),
            ]
        if token.pos_ == "NOUN" and token.lemma_.lower() in self.grammar.item_anaphors:
            # « les premiers exemplaires sont arrivés »: instances of the item named last.
            last = self.coreference.last_item(token)
            if last is None:
                return []
            quantity, quantity_text = read_quantity(token, None)
            return [
                FoundItem(replace(last, text=token.text, quantity=quantity, quantity_text=quantity_text), token, ())
            ]
        # « les leur livreront », « va en vendre »: clitics the tagger read as an article or a preposition.
        object_clitic = token.pos_ == "PRON" or (
            token.pos_ in ("DET", "ADP") and token.head.pos_ in ("VERB", "AUX") and token.i < token.head.i
        )
        if depth < 2 and object_clitic and token.lower_.replace("’", "'") in self.grammar.item_pronouns:
            # « acheter des obus pour les livrer »: an object clitic stands for the items named before it.
            for i in range(token.i - 1, token.sent.start - 1, -1):
                previous = mentions.get(i)
                if previous is not None and previous.kind == "item":
                    return self.resolve_items(token.doc[previous.start : previous.end].root, mentions, depth + 1)
            if token.lower_ == "en" or token.dep_ == "obj" or token.pos_ in ("DET", "ADP"):
                # « La Russie a reçu des obus. Elle en a reçu un million », « Ottawa a acheté un système NASAMS.
                # Il l'a donné à l'Ukraine »: the kind named last, before the sentence.
                last = self.coreference.last_item(token)
                if last is not None:
                    return [FoundItem(replace(last, text=token.text), token, ())]
            return []
        if depth < 3 and (_is_quantifier(token, self.grammar) or token.pos_ in ("PRON", "NUM")):
            found: list[FoundItem] = []
            for child in token.children:
                if child.dep_ in ("nmod", "obl:arg", "obl:mod") and "de" in self.arguments.case_words(child):
                    found.extend(
                        f
                        for f in self.resolve_items(child, mentions, depth + 1)
                        if all(f.token.i != other.token.i for other in found)  # « drones d'attaque »: one item
                    )
            if not found and token.dep_ in ("obj", "nsubj:pass", "nsubj"):
                # « Berlin en a livré une cinquantaine »: a bare quantity counts what the verb's « en » stands for.
                clitic = next((c for c in token.head.children if c.lower_ == "en" and c.pos_ == "PRON"), None)
                if clitic is not None:
                    quantity, quantity_text = read_quantity(token, token)
                    found = [
                        FoundItem(replace(f.item, quantity=quantity, quantity_text=quantity_text), f.token, f.origin)
                        for f in self.resolve_items(clitic, mentions, depth + 1)
                    ]
            if found:
                return found
        if depth < 2 and token.pos_ == "NOUN":
            # « un paquet comprenant des CV90 et des obusiers Archer »: what a noun contains names the items.
            contained = _distinct_items(
                found
                for arg in self.arguments.contents(token)
                for found in self.resolve_items(arg.token, mentions, depth + 1)
            )
            if contained:
                return contained
        if depth < 2 and token.pos_ in ("NOUN", "PROPN"):
            # « un cargo chargé de munitions »: what a vehicle carries is what moves.
            for child in token.children:
                if child.dep_ == "acl" and child.lemma_.lower() in self.grammar.carrier_participles:
                    carried = [
                        found
                        for grand in child.children
                        if grand.dep_ in ("obl:arg", "obl:mod", "obl", "obj", "nmod")
                        for found in self.resolve_items(grand, mentions, depth + 1)
                    ]
                    if carried:
                        return carried
        if depth < 2 and token.pos_ in ("NOUN", "PROPN"):
            # « demander à ses alliés de livrer des chars »: the parser hangs the clause on the noun.
            for child in token.children:
                if child.dep_ == "acl" and child.pos_ == "VERB" and child.morph.get("VerbForm", []) == ["Inf"]:
                    clause = self.resolve_items(child, mentions, depth + 1)
                    if clause:
                        return clause
        if depth < 3 and token.pos_ in ("VERB", "AUX"):
            # A complement clause (« demander à X de livrer des chars »): its object names the items.
            clause_items: list[FoundItem] = []
            for child in token.children:
                if child.dep_ in ("obj", "nsubj:pass"):
                    clause_items.extend(self.resolve_items(child, mentions, depth + 1))
                    if not clause_items:
                        for grand in child.children:
                            if grand.dep_ == "nmod" and "de" in self.arguments.case_words(grand):
                                clause_items.extend(self.resolve_items(grand, mentions, depth + 1))
            return clause_items
        if depth < 2:
            for child in token.children:
                if child.dep_ in ("appos", "amod", "flat", "flat:name", "compound", "nmod"):
                    sub = mentions.get(child.i)
                    if sub is not None and sub.kind == "item" and not self.vocabulary.items[sub.iris[0]].generic:
                        return self.resolve_items(child, mentions, depth + 1)
        return []


def _is_quantifier(token: Token, grammar: Grammar) -> bool:
    return token.lower_ in grammar.quantifier_nouns or token.lemma_.lower() in grammar.quantifier_nouns


def _within(token: Token, head: Token, stop: tuple[str, ...]) -> bool:
    """Whether `token` hangs under `head` without crossing one of the `stop` relations."""
    while token.i != head.i:
        if token.dep_ in stop or token.head.i == token.i:
            return False
        token = token.head
    return True


def _unique(actors: Iterable[Actor]) -> tuple[Actor, ...]:
    out: list[Actor] = []
    keys: set[str] = set()
    for actor in actors:
        key = actor.key
        if key not in keys:
            keys.add(key)
            out.append(actor)
    return tuple(out)
