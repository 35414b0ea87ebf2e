"""The arguments of a predicate: which words depend on it, how, and with which preposition.

The French parser is noisy about argument labels (« par les États-Unis » comes
out `obl:mod` as often as `obl:agent`), so rules select arguments by their
relation *and* by their marker: the preposition or locution that introduces
them (« à », « par », « auprès de », « de la part de », « en provenance de »).
Implicit arguments are added here too: the subject a controlled infinitive
shares with its governor, the antecedent of a relative pronoun, the noun a
participle modifies, the subject of the verb that governs a nominal trigger.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from spacy.tokens import Doc, Token

from kg.nlp.pipeline import load_data

SUBJECTS = ("nsubj", "nsubj:pass")
NOMINAL = ("NOUN", "PROPN", "PRON", "NUM", "X")


Result = TypeVar("Result")


def per_doc(method: Callable[..., Result]) -> Callable[..., Result]:
    """Cache a method of a token (or of an argument, or of a token and other values) for the Docs the finder
    has seen last.

    The arguments of a word depend on its parse alone, yet one article asks for them many times: for each rule
    its trigger fires, for the subjects of the verbs above it, and again in the article's second pass. Lists come
    back as copies, so that a caller may extend what it got.
    """
    name = method.__name__

    @wraps(method)
    def cached(self: Any, first: Any, *rest: Any, **named: Any) -> Result:
        token = first.token if isinstance(first, Argument) else first
        cache = self._cache_for(token.doc)
        key = (name, first, *rest, *sorted(named.items()))
        if key not in cache:
            cache[key] = method(self, first, *rest, **named)
        found = cache[key]
        return list(found) if isinstance(found, list) else found  # type: ignore[return-value]

    return cached


@dataclass(frozen=True)
class Argument:
    """A dependent of a predicate: its head token, relation label and marker words.

    `contrasted` marks a conjunct the sentence rules out (« à Wagner, et non au gouvernement russe »).
    """

    token: Token
    rel: str
    marker: str
    contrasted: bool = False


def _word_of(token: Token) -> list[Token]:
    """`token` and the tokens it heads that are written with it as one word (« Pays-Bas », split by the tokenizer
    and hung as « Pays » ← « - » ← « Bas »): what is coordinated with the word may hang on its last part."""
    word = [token]
    end = token
    while end.whitespace_ == "" and end.i + 1 < len(end.doc) and end.nbor().head in word:
        end = end.nbor()
        word.append(end)
    return word


def _is_name(token: Token) -> bool:
    """A proper name, or a capitalised word inside a sentence the tagger took for a noun (« des avions Mirage »)."""
    return token.pos_ == "PROPN" or token.pos_ == "NOUN" and token.is_title and not token.is_sent_start


def _infinitival(verb: Token) -> bool:
    """An infinitive, simple or compound (« livrer », « avoir livré »)."""
    return verb.morph.get("VerbForm", []) == ["Inf"] or any(
        c.dep_ == "aux:tense" and c.morph.get("VerbForm", []) == ["Inf"] for c in verb.children
    )


def aim_noun(infinitive: Token, aims: set[str]) -> Token | None:
    """The noun of aim whose content `infinitive` is: « l'objectif de la Norvège est de livrer » (the subject of
    the copula above « de » + infinitive), or the parser's other reading, with « est » hung on the noun.

    The arguments take the infinitive's subject from the aim's holder; the modality calls its act planned.
    """
    verb = infinitive.pos_ in ("VERB", "AUX") and "Inf" in infinitive.morph.get("VerbForm", [])
    if not verb or not any(c.dep_ == "mark" and c.lower_ in ("de", "d'", "d’") for c in infinitive.children):
        return None
    copula = infinitive.head
    if copula.i == infinitive.i or copula.lemma_.lower() != "être":
        return None
    for subject in copula.children:
        if subject.dep_ == "nsubj" and subject.lemma_.lower() in aims:
            return subject
    return copula.head if copula.head.lemma_.lower() in aims else None


class Grammar:
    """The grammar data file, as sets for fast look-up."""

    def __init__(self) -> None:
        data = load_data("grammar")
        self._normalised: dict[str, str] = {}
        self.clause_deps = set(data["clause_deps"])
        self.skip_deps = set(data["skip_deps"])
        self.case_lemmas: dict[str, str] = data["case_lemmas"]
        self.partitive_articles = set(data["partitive_articles"])
        self.article_after = set(data["article_after"])
        self.locution_heads = set(data["locution_heads"])
        self.quantifier_nouns = set(data["quantifier_nouns"])
        self.quantity_adverbs = set(data["quantity_adverbs"])
        self.content_verbs = set(data["content_verbs"])
        self.attributive_verbs = set(data["attributive_verbs"])
        self.agent_nouns = set(data["agent_nouns"])
        self.place_nouns = set(data["place_nouns"])
        self.training_words = set(data["training_words"])
        self.affiliation_participles = set(data["affiliation_participles"])
        self.goal_markers = [tuple(m.split()) for m in data["goal_markers"]]
        self.paired_goal_markers = [tuple(m.split()) for m in data["paired_goal_markers"]]
        self.adjacent_relative_pronouns = set(data["adjacent_relative_pronouns"])
        self.source_markers = {m.replace("’", "'") for m in data["source_markers"]}
        self.elliptic_points: dict[str, str] = data["elliptic_points"]
        self.relative_pronouns = set(data["relative_pronouns"])
        self.subject_relative_pronouns = set(data["subject_relative_pronouns"])
        self.coordinating_locutions = [tuple(m.split()) for m in data["coordinating_locutions"]]
        self.contrast_words = set(data["contrast_words"])
        self.agent_markers = set(data["agent_markers"])
        self.control_verbs = set(data["control_verbs"])
        self.aim_nouns = set(data["aim_nouns"])
        self.object_control_verbs = set(data["object_control_verbs"])
        self.receiver_governors = set(data["receiver_governors"])
        self.agreement_nouns = set(data["agreement_nouns"])
        self.currencies = set(data["currencies"])
        self.marker_stopwords = set(data["marker_stopwords"])
        self.origin_nouns = set(data["origin_nouns"])
        self.collective_nouns = set(data["collective_nouns"])
        self.item_pronouns = set(data["item_pronouns"])
        self.item_anaphors = set(data["item_anaphors"])
        self.destination_participles = set(data["destination_participles"])
        self.lifted_markers = {self.normalise_marker(m) for m in data["lifted_markers"]}
        self.party_nouns = set(data["party_nouns"])
        self.member_markers = {m.split()[0] for m in data["member_markers"]}
        self.member_locutions = sorted((tuple(m.split()) for m in data["member_markers"]), key=len, reverse=True)
        self.locutions = {self.normalise_marker(m) for m in data["locutions"]}
        self.goal_words = {self.normalise_marker(m) for m in data["goal_markers"]}
        self.clitic_words = {w.replace("’", "'") for w in data["clitic_words"]}
        self.dative_clitics = set(data["dative_clitics"])
        self.subject_pronouns = set(data["subject_pronouns"])
        self.subject_separators = set(data["subject_separators"])
        self.subject_locutions = [tuple(m.split()) for m in data["subject_locutions"]]
        self.comparison_words = set(data["comparison_words"])
        self.list_conjunctions = set(data["list_conjunctions"])
        self.item_list_markers = set(data["item_list_markers"])
        self.inclusion_locutions = [tuple(m.split()) for m in data["inclusion_locutions"]]
        self.longest_inclusion = max(len(m) for m in self.inclusion_locutions)
        self.carrier_participles = set(data["carrier_participles"])
        self.indefinite_articles = set(data["indefinite_articles"])
        self.time_nouns = set(data["time_nouns"])
        self.request_governors = set(data["request_governors"])
        self.cessation_verbs = set(data["cessation_verbs"])
        self.ban_words = set(data["ban_words"])
        self.capability_words = set(data["capability_words"])
        self.acquisition_request_governors = set(data["acquisition_request_governors"])
        self.purpose_request_governors = set(data["purpose_request_governors"])
        self.commission_words = set(data["commission_words"])
        self.supporter_nouns = set(data["supporter_nouns"])
        self.comparative_coordinators = set(data["comparative_coordinators"])
        self.membership_verbs = set(data["membership_verbs"])
        self.asked_markers = {self.normalise_marker(m) for m in data["asked_markers"]}
        self.list_openers = set(data["list_openers"])
        self.relative_markers: dict[str, str] = data["relative_markers"]
        self.name_joiners = {w.replace("’", "'") for w in data["name_joiners"]}
        self.stray_markers = {self.normalise_marker(m) for m in data["stray_markers"]}
        self.exchange_markers = {self.normalise_marker(m) for m in data["exchange_markers"]}

    def normalise_marker(self, marker: str) -> str:
        """A marker as the rules write it: case words lemmatised (« aux » → « à »), articles left out."""
        found = self._normalised.get(marker)
        if found is None:
            words = [self.case_lemmas.get(w, w) for w in marker.lower().replace("’", "'").replace("'", "' ").split()]
            found = self._normalised[marker] = " ".join(w for w in words if w not in self.marker_stopwords)
        return found


class ArgumentFinder:
    """Computes the arguments of trigger tokens, explicit and implicit."""

    # How many Docs keep their cached arguments: the paragraphs of an article, read twice.
    CACHED_DOCS = 64

    def __init__(self, grammar: Grammar) -> None:
        self.g = grammar
        self._caches: dict[int, tuple[Doc, dict[tuple[Any, ...], Any]]] = {}

    def _cache_for(self, doc: Doc) -> dict[tuple[Any, ...], Any]:
        """The cache of `doc` (held with the Doc, so that its id is not reused while cached)."""
        held = self._caches.get(id(doc))
        if held is None or held[0] is not doc:
            if len(self._caches) >= self.CACHED_DOCS:
                self._caches.clear()
            held = self._caches[id(doc)] = (doc, {})
        return held[1]

    def case_words(self, token: Token) -> list[str]:
        words: list[str] = []
        for child in token.children:
            if child.pos_ == "ADP" and child.dep_ in ("case", "det", "fixed"):
                lemma = child.lower_.replace("’", "'")
                if words and words[-1] in self.g.article_after and lemma in self.g.partitive_articles:
                    # « sur du matériel », « avec des drones »: after a simple preposition « du / des » is the
                    # partitive or indefinite article, not a second preposition (« l'aide du Royaume-Uni » is).
                    continue
                words.append(self.g.case_lemmas.get(lemma, lemma))
        if len(words) > 1 and words[0] in self.g.comparative_coordinators:
            return words[1:]
        return words

    def marker(self, token: Token) -> str:
        return self.g.normalise_marker(" ".join(self.case_words(token)))

    def full_marker(self, token: Token) -> str:
        """The marker of a phrase including a locution whose head word the parser made its head (« auprès des
        États-Unis » with « États-Unis » under « auprès »): « auprès de »."""
        head = token.head
        if head.i != token.i and (head.lower_ in self.g.locution_heads or head.lemma_ in self.g.locution_heads):
            marker = self.g.normalise_marker(" ".join([*self.case_words(head), head.lower_, *self.case_words(token)]))
            if marker in self.g.locutions:
                return marker
        return self.marker(token)

    def is_clause(self, token: Token) -> bool:
        """A coordinated verb or anything with a subject of its own starts a new clause."""
        if token.pos_ in ("VERB", "AUX"):
            return True
        return any(c.dep_ in SUBJECTS for c in token.children) and token.pos_ != "NOUN"

    def marked(self, token: Token, relations: tuple[str, ...] | None = None) -> list[tuple[Token, str, str]]:
        """Children of `token` as (head, relation, marker), reading locutions as one marker.

        « auprès de X », « de la part de X »: the locution word is skipped and X
        gets the whole locution as its marker.
        """
        out: list[tuple[Token, str, str]] = []
        for child in token.children:
            dep = child.dep_
            if dep in self.g.skip_deps or dep == "conj":
                continue
            if any(g.lower_ == "comme" for g in child.children) or any(
                g.lower_ == "comme" for a in child.children if a.dep_ == "advmod" for g in a.children
            ):
                # « tout comme en Europe », « comme la Pologne »: a comparison or an example, not an argument;
                # but « aux États-Unis comme à la Corée du Sud » repeats the preposition of a phrase before it.
                own = self.case_words(child)
                if not own or not any(
                    s.i < child.i and s.dep_ not in self.g.skip_deps and self.case_words(s) == own
                    for s in token.children
                ):
                    continue
            if relations is not None and dep not in relations:
                continue
            # An adverb is never a clause: « auprès » tagged xcomp is still the head of « auprès de X ».
            if (dep not in self.g.clause_deps or child.pos_ == "ADV") and (
                child.lower_ in self.g.locution_heads or child.lemma_ in self.g.locution_heads
            ):
                prefix = self.case_words(child) + [child.lower_]
                found = False
                for grand in child.children:
                    if grand.dep_ in ("nmod", "obl:arg", "obl:mod", "obj", "obl"):
                        marker = self.g.normalise_marker(" ".join(prefix + self.case_words(grand)))
                        if marker in self.g.locutions:
                            out.append((grand, dep, marker))
                            found = True
                            # « de la part des États-Unis et de l'Europe »: the parser may
                            # coordinate the second name with the locution word itself.
                            out.extend(
                                (c, dep, marker) for c in child.children if c.dep_ == "conj" and c.pos_ in NOMINAL
                            )
                if found:
                    continue
            out.append((child, dep, self.marker(child)))
        return out

    @per_doc
    def direct(self, node: Token) -> list[Argument]:
        """Dependents of `node` with their markers, through locutions and coordination."""
        out: list[Argument] = []
        for child, dep, marker in self.marked(node):
            if dep == "nmod" and child.pos_ == "VERB" and child.morph.get("VerbForm", []) == ["Part"]:
                dep = "acl"  # « le paquet destiné à Taïwan »: a participle on a noun, whatever the label
            if dep in self.g.clause_deps:
                # A clause is an argument only as a whole (its head), never searched inside,
                # except the phrases a participle modifying a nominal trigger carries
                # (« les livraisons prévues par l'UE »).
                out.append(Argument(child, dep, marker))
                participle = child.morph.get("VerbForm", []) == ["Part"] or child.pos_ in ("PROPN", "NOUN")
                if dep == "acl" and node.pos_ == "NOUN" and participle:
                    out.extend(a for a in self._lifted(child, participle=True) if a.marker in self.g.lifted_markers)
                continue
            if dep == "det" and "Yes" in child.morph.get("Poss", []):
                out.append(Argument(child, "poss", ""))
                continue
            if node.pos_ in ("VERB", "AUX") and child.pos_ == "ADV" and child.lower_ in self.g.quantity_adverbs:
                quantified = self._quantified(child)
                if quantified:
                    out.extend(quantified)
                    continue
            if (
                dep == "obl:arg"
                and not marker
                and child.pos_ in ("NOUN", "PROPN")
                and any(c.dep_ in ("case", "det") and c.pos_ == "DET" for c in child.children)
            ):
                # « avoir livré des canons », « pourrait vendre des obusiers »: a complement without a preposition,
                # often behind an article the parser took for one; the phrase is the object.
                dep = "obj"
            if (
                dep == "amod"
                and node.pos_ == "NOUN"
                and child.pos_ == "ADJ"
                and any(c.dep_ == "nmod" and c.i < child.i and self.marker(c) == "de" for c in node.children)
            ):
                # « l'achat de chasseurs J-10 chinois »: an adjective after the noun's « de » phrase qualifies that
                # phrase, not the noun; the parser hangs it on the nearest noun it can.
                dep = "amod:detached"
            if (
                dep == "obj"
                and child.pos_ == "PROPN"
                and not marker
                and any(c.dep_ == "det" and c.i == child.i - 1 and c.lower_ in ("de", "d'") for c in child.children)
            ):
                # « Kiev a obtenu de Paris la promesse … »: a name takes no partitive article; « de » tagged as one
                # before it is the preposition.
                dep, marker = "obl:arg", "de"
            if dep in SUBJECTS and marker and marker not in self.g.partitive_articles:
                # « Selon les services britanniques, des soldats … combattent »: a phrase with a preposition is no
                # subject, whatever the parser says (« des », « de » before a subject are articles).
                dep = "obl:mod"
            if (
                dep == "obj"
                and marker == "de"
                and child.pos_ in ("NOUN", "PROPN")
                and any(
                    c.dep_ == "det" and ("Yes" in c.morph.get("Poss", []) or "Def" in c.morph.get("Definite", []))
                    for c in child.children
                )
            ):
                # « a reçu de ses voisins des obus »: « de » before a possessive or a definite article is the
                # preposition, not a partitive article; the phrase is no object.
                dep = "obl:arg"
            if (
                dep == "advmod"
                and child.pos_ == "NOUN"
                and any(c.dep_ == "det" and c.lower_ in self.g.indefinite_articles for c in child.children)
            ):
                # « fournit à la junte des avions, des drones armés … »: a noun with an indefinite article is no
                # adverb, whatever the parser says; after a verb it is its object.
                dep = "obj"
            if (
                dep in ("obl:mod", "obl")
                and not marker
                and child.pos_ == "NOUN"
                and child.i > node.i
                and node.pos_ in ("VERB", "AUX")
                and child.lemma_.lower() not in self.g.time_nouns
                and any(c.dep_ == "nummod" or c.lower_ in self.g.indefinite_articles for c in child.children)
            ):
                # « Oslo a cédé à Varsovie deux batteries NASAMS »: a counted noun after the verb, without a
                # preposition, is its object, not an adjunct (« deux jours » is: a noun of time).
                dep = "obj"
            if (
                dep == "nsubj:pass"
                and node.pos_ == "VERB"
                and not any(c.dep_ == "aux:pass" for c in node.children)
                and any(c.dep_ == "aux:tense" for c in node.children)
            ):
                # « Ottawa l'a donné à l'Ukraine »: with « avoir » and no passive auxiliary the verb is active.
                dep = "nsubj"
            if (
                dep in SUBJECTS
                and child.pos_ == "DET"
                and child.lower_.replace("’", "'") in self.g.item_pronouns
                and child.i < node.i
                and node.pos_ in ("VERB", "AUX")
            ):
                # « Les États-Unis les leur livreront »: an object clitic the tagger read as an article.
                dep = "obj"
            if (
                (dep in SUBJECTS or dep == "obj")
                and child.pos_ == "PRON"
                and child.lower_ in self.g.dative_clitics
                and child.i < node.i
            ):
                # « que lui a vendus l'Allemagne »: before the verb, « lui »/« leur » is the dative clitic (« to
                # it »), which the parser takes for a subject when the real subject follows the verb, or for an object.
                dep = "iobj"
            if (
                dep == "obj"
                and child.pos_ == "PROPN"
                and any(c.lower_ == "des" for c in child.children if c.i < child.i)
            ):
                # « a reçu des États-Unis des lance-roquettes »: a name takes no indefinite article, so « des » before
                # a plural name is « de les »: the preposition, not the article.
                marker = "de"
            if dep == "obj" and marker == "de" and _is_name(child):
                # « a reçu de la Turquie des drones »: a proper name takes no partitive article, so the parser's
                # object « de la Turquie » is the preposition « de » and its complement.
                dep = "obl:arg"
            for arg in self._with_conjuncts(Argument(child, dep, marker)):
                out.append(arg)
                lifted = self._lifted(arg.token)
                if dep == "nsubj" and node.pos_ in ("VERB", "AUX"):
                    # « L'industrie d'armement emploie … »: a « de » complement of an active subject is the
                    # subject's own, never the verb's object hung on it.
                    lifted = [a for a in lifted if a.marker != "de"]
                out.extend(lifted)
        for child in node.children:
            # « une livraison destinée à Wagner, et non au gouvernement russe »: the ruled-out phrase is
            # often coordinated with the predicate itself; its preposition says which role it denies.
            marker = self.marker(child) if child.dep_ == "conj" else ""
            if marker and self._ruled_out(child):
                out.append(Argument(child, "obl:arg", marker, contrasted=True))
        if node.pos_ in ("VERB", "AUX"):
            out = self._without_appositions(out)
            out = self._read_relative_clause(node, out)
            out.extend(self._destined(node))
        if node.pos_ in ("VERB", "AUX") and not any(c.dep_ == "obj" for c in node.children):
            out.extend(self._object_after_complement(node, out))
            if not any(a.rel == "obj" for a in out):
                out.extend(self._shared_object(node))
        if node.pos_ in ("VERB", "AUX") and not any(a.marker in self.g.goal_words | {"à"} for a in out):
            out.extend(self._destination_after_object(out))
        if node.pos_ in ("VERB", "AUX"):
            # « envoyer des canons, ainsi que des drones »: the parser coordinates the second
            # object with the verb; a nominal conjunct without a subject of its own is an object.
            for child in node.children:
                if child.dep_ != "conj" or self.marker(child) or self.is_clause(child):
                    continue
                # « développe avec le Royaume-Uni et l'Italie », « expédiés depuis la Chine et Hong Kong »: a name
                # coordinated with the verb right after a marked name is the conjunct of that name's phrase.
                previous = self._phrase_before(node, child) if _is_name(child) else None
                if previous is not None:
                    out.append(Argument(child, previous.rel, previous.marker))
                elif child.pos_ == "NOUN":
                    for arg in self._with_conjuncts(Argument(child, "obj", "")):
                        out.append(arg)
                        out.extend(self._lifted(arg.token))
        return out

    def _phrase_before(self, verb: Token, conjunct: Token) -> Argument | None:
        """The marked phrase of `verb` that ends right before « et » / « , » and the conjunct's article."""
        doc, i = verb.doc, conjunct.i - 1
        while i > verb.i and doc[i].pos_ == "DET":
            i -= 1
        if i <= verb.i or doc[i].lower_ not in (",", *self.g.list_conjunctions):
            return None
        k = i - 1
        while k > verb.i and (doc[k].pos_ in ("PROPN", "ADJ", "NUM") or doc[k].text == "-"):
            k -= 1
        for child, dep, marker in self.marked(verb):
            if k < child.i < i and marker and child.pos_ == "PROPN":
                return Argument(child, dep, marker)
        return None

    def _quantified(self, adverb: Token) -> list[Argument]:
        """« livrer davantage d'obus à Kiev », « envoyer beaucoup de munitions »: an adverb of quantity stands where
        the article would, so its « de » noun is the verb's object. The parser makes the noun (and often the next
        prepositional phrase) the adverb's dependents; they come back as the verb's. Nothing when the adverb has
        no « de » noun (« ne livre plus », « livre plus vite »)."""
        out: list[Argument] = []
        others: list[Argument] = []
        for child, dep, marker in self.marked(adverb):
            if child.pos_ not in NOMINAL or child.i < adverb.i or dep in self.g.clause_deps:
                continue
            if marker == "de" and not out:
                # Conjuncts are found with the « de » each repeats (« moins de munitions et de missiles »).
                for conjunct in self._with_conjuncts(Argument(child, "obj", marker)):
                    out.append(Argument(conjunct.token, "obj", "", conjunct.contrasted))
                    out.extend(self._lifted(conjunct.token))
            elif marker in self.g.lifted_markers:
                others.extend(self._with_conjuncts(Argument(child, "lifted", marker)))
        return out + others if out else []

    def _object_after_complement(self, verb: Token, arguments: list[Argument]) -> list[Argument]:
        """« a livré à l'Ukraine les chars promis »: a determined noun phrase after a prepositional complement of
        a verb without an object is that verb's object. The parser hangs it on the complement as an `nmod`,
        which a French noun only takes with a preposition: one without any is a misplaced argument."""
        out: list[Argument] = []
        for arg in arguments:
            if not arg.marker or arg.token.head != verb or arg.token.pos_ not in NOMINAL:
                continue
            for child in arg.token.children:
                if (
                    child.dep_ == "nmod"
                    and child.pos_ == "NOUN"
                    and child.i > arg.token.i
                    and not self.marker(child)
                    and any(c.dep_ == "det" for c in child.children)
                ):
                    out.extend(self._with_conjuncts(Argument(child, "obj", "")))
        return out

    @per_doc
    def relative_clause(self, verb: Token) -> tuple[Token, str, str, Token | None] | None:
        """How `verb` heads a relative clause, read from the words: (antecedent, its relation to the verb, its
        marker, the clause's subject).

        « les armes que Pyongyang a fournies à Moscou » (obj), « les chars que lui a vendus l'Allemagne » (obj,
        inverted subject), « le Maroc, auquel Israël a vendu des drones », « la Lituanie, à qui la Norvège a cédé
        des systèmes » (« à »), « les missiles dont la Norvège a confirmé la cession » (« de »). The parser often
        reads « que Pyongyang » as a comparison, an inverted subject as an object, or hangs the antecedent on the
        verb as a second subject; the words are unambiguous. None when the words before the verb are not
        « N [,] relative-word [NP] [clitics] ».
        """
        doc, sentence = verb.doc, verb.sent
        i = verb.i - 1
        governor = verb.head if verb.dep_ == "xcomp" else None  # « que le Japon doit livrer »
        while i >= sentence.start and (
            doc[i].dep_.startswith("aux")
            or doc[i].pos_ in ("AUX", "ADV")
            or doc[i].lower_ in self.g.clitic_words
            or (governor is not None and doc[i].i == governor.i)
        ):
            i -= 1
        j = i
        while j >= sentence.start and (
            doc[j].pos_ in ("DET", "ADJ", "NOUN", "PROPN", "NUM") or doc[j].lower_ in self.g.name_joiners
        ):
            j -= 1
        if j < sentence.start + 1:
            return None
        word = doc[j].lower_.replace("’", "'")
        k = j - 1
        if word in ("que", "qu'"):
            relation, marker = "obj", ""
        elif word in self.g.relative_markers and word not in ("que", "qu'"):
            relation, marker = "obl:arg", self.g.relative_markers[word]
        elif word in ("qui", "lequel", "laquelle", "lesquels", "lesquelles") and doc[k].pos_ == "ADP":
            relation, marker = "obl:arg", self.marker_word(doc[k])
            k -= 1
        else:
            return None
        if k >= sentence.start and doc[k].text == "," and relation != "obj":
            k -= 1
        while k >= sentence.start and doc[k].pos_ == "ADJ":
            k -= 1
        nominal = k >= sentence.start and (
            doc[k].pos_ in ("NOUN", "PROPN", "NUM", "X") or doc[k].dep_ in ("flat", "flat:foreign", "compound")
        )
        if not nominal:
            return None  # « a déclaré que … », « il est certain que … »: a conjunction
        start = k
        while start > sentence.start and (
            doc[start - 1].pos_ in ("DET", "ADJ", "NOUN", "PROPN", "NUM")
            or doc[start - 1].lower_ in self.g.name_joiners
        ):
            start -= 1
        if relation == "obj" and start > sentence.start and doc[start - 1].lower_ in self.g.comparison_words:
            return None  # « tant les États-Unis que le Royaume-Uni », « plus de chars que … »: a comparison
        span = doc[j + 1 : i + 1]
        subject = next((t for t in span if t.pos_ in ("PROPN", "NOUN") and not span.start <= t.head.i < span.end), None)
        if subject is None and len(span) == 0:
            subject = next(
                (
                    t
                    for t in doc[verb.i + 1 : sentence.end]
                    if t.pos_ in ("NOUN", "PROPN") and t.head.i == verb.i and not self.marker(t)
                ),
                None,
            )
        return doc[k], relation, marker, subject

    def marker_word(self, preposition: Token) -> str:
        """A preposition as a marker (« aux » → « à »)."""
        lower = preposition.lower_.replace("’", "'")
        return self.g.case_lemmas.get(lower, lower)

    def _read_relative_clause(self, verb: Token, arguments: list[Argument]) -> list[Argument]:
        """`arguments` of a verb heading a relative clause the parser missed, with the antecedent in the relation
        its relative word gives it and the clause's own subject as its subject (`relative_clause`)."""
        if any(
            a.rel in ("obj", "obl:arg", "obl:mod", "nmod") and "Rel" in a.token.morph.get("PronType", [])
            for a in arguments
        ):
            # The parser attached the relative pronoun itself (resolve_relative does the rest), but may still
            # take an inverted subject for an object: « des blindés que lui a offerts l'Australie ».
            found = self.relative_clause(verb)
            inverted = found[3] if found is not None else None
            if inverted is None or inverted.i < verb.i or any(a.rel in SUBJECTS for a in arguments):
                return arguments
            return [Argument(a.token, "nsubj", "") if a.token.i == inverted.i else a for a in arguments]
        found = self.relative_clause(verb)
        if found is None:
            return arguments
        antecedent, relation, marker, subject = found
        if relation == "obj" and any(
            a.rel == "obj" and (subject is None or a.token.i != subject.i) and a.token.i != antecedent.i
            for a in arguments
        ):
            return arguments  # the verb has an object of its own: « que » is a conjunction (« l'idée que … »)
        kept = [
            a
            for a in arguments
            if a.token.i != antecedent.i and (subject is None or a.token.i != subject.i or a.rel in SUBJECTS)
        ]
        kept.extend(self._with_conjuncts(Argument(antecedent, relation, marker)))
        if subject is not None and not any(a.rel in SUBJECTS for a in kept):
            kept.append(Argument(subject, "nsubj", ""))
        return kept

    def _destined(self, verb: Token) -> list[Argument]:
        """« La Norvège a acquis des radars auprès de la Suède, destinés à être offerts à Kiev »: where a participle
        of destination after the verb's phrase says its items go (relation `destined`), though the parser hangs the
        participle on the verb."""
        return [a for a in self.destinations(verb) if a.token.i > verb.i]

    def destinations(self, head: Token) -> list[Argument]:
        """Where a participle of destination on `head` (a noun, or a verb it was hung on) sends its items, as
        `destined` arguments: « des obus destinés à l'Ukraine », « destinés à être offerts à Kiev »."""
        out: list[Argument] = []
        for child in head.children:
            if child.dep_ not in ("acl", "advcl") or child.lemma_ not in self.g.destination_participles:
                continue
            if child.morph.get("VerbForm", []) != ["Part"] or child.i < head.i:
                continue
            for clause in (child, *(c for c in child.children if c.pos_ == "VERB")):
                out.extend(
                    Argument(a.token, "destined", a.marker)
                    for a in self.direct(clause)
                    if a.marker in self.g.lifted_markers and a.marker not in self.g.agent_markers
                )
        return out

    def _without_appositions(self, arguments: list[Argument]) -> list[Argument]:
        """« a vendu des obusiers K9, le fleuron de son industrie, à l'Australie »: a definite noun phrase after a
        comma that follows an indefinite object describes it; the parser makes it a second object."""
        objects = [a for a in arguments if a.rel == "obj"]
        if len(objects) < 2:
            return arguments
        first = min(objects, key=lambda a: a.token.i)
        doc = first.token.doc
        dropped = {
            a.token.i
            for a in objects
            if a.token.i > first.token.i
            and a.token.left_edge.i > 0
            and doc[a.token.left_edge.i - 1].text == ","
            and self._definite_phrase(a.token)
            and not self._definite_phrase(first.token)
        }
        inside = {t.i for i in dropped for t in doc[i].subtree}
        return [
            a for a in arguments if a.token.i not in dropped and not (a.token.i in inside and a.marker in ("", "de"))
        ]

    def _shared_object(self, verb: Token) -> list[Argument]:
        """« La République tchèque a acheté puis livré à l'Ukraine des obus »: a verb without an object shares
        that of the verb coordinated right after it, which the parser gives the object alone."""
        for child in verb.children:
            if child.dep_ == "conj" and child.pos_ == "VERB" and not any(c.dep_ in SUBJECTS for c in child.children):
                # Its object, or the partitive phrase the parser hung on its complement (« livré à l'Ukraine des
                # obus »).
                return [
                    Argument(a.token, "obj", "")
                    for a in self.direct(child)
                    if a.token.i > child.i and (a.rel == "obj" or (a.rel == "lifted" and a.marker == "de"))
                ]
        return []

    def _destination_after_object(self, arguments: list[Argument]) -> list[Argument]:
        """« Le régime a expédié des obus produits dans les années 1980 à Moscou »: a name after « à » (or « vers »)
        that ends a long object is the verb's destination, though the parser hangs it inside the participle
        or relative clause that lengthens the object. Only a proper name, only at the very end of the object,
        only for a verb with no destination of its own."""
        out: list[Argument] = []
        for arg in arguments:
            if arg.rel != "obj" or arg.token.pos_ not in NOMINAL:
                continue
            end = arg.token.right_edge.i
            for clause in arg.token.children:
                if clause.dep_ not in ("acl", "acl:relcl") or clause.right_edge.i != end:
                    continue
                for word in clause.subtree:
                    if (
                        word.pos_ == "PROPN"
                        and word.right_edge.i == end
                        and word.dep_ in ("nmod", "obl", "obl:arg", "obl:mod")
                        and self.marker(word) in self.g.goal_words | {"à"}
                    ):
                        out.append(Argument(word, "lifted", self.marker(word)))
        return out

    def _lifted(self, head: Token, depth: int = 0, participle: bool = False) -> list[Argument]:
        """Prepositional phrases the parser hung inside an argument instead of on the predicate.

        « la livraison de missiles à l'Ukraine »: « à l'Ukraine » often depends on
        « missiles »; « expédié en Ukraine des missiles »: « des missiles » hangs
        on « Ukraine ». They come back with relation `lifted` and their marker;
        rules decide which lifted markers a role accepts.
        """
        out: list[Argument] = []
        if depth > 4 or head.pos_ not in NOMINAL and not (depth == 0 and (head.dep_ == "acl" or participle)):
            return out
        name = self._name_after(head) if head.pos_ == "NOUN" else None
        if name is not None:
            # « envoyer des avions Mirage à l'Ukraine »: the phrase after the name ends the noun's phrase.
            out.extend(self._lifted(name, depth + 1))
        elif depth == 0 and head.pos_ == "NOUN":
            out.extend(self._after_detached_name(head))
        for child, dep, marker in self.marked(head):
            if dep in ("nmod", "obl:mod", "obl:arg", "obl", "obl:agent") and marker and child.pos_ in NOMINAL:
                out.extend(self._with_conjuncts(Argument(child, "lifted", marker)))
                # Complements in « de » or a role preposition continue the argument's noun phrase
                # (« un total de 60 missiles à longue portée »); « avant la guerre en
                # Ukraine » is about something else.
                if marker == "de" or marker in self.g.lifted_markers:
                    out.extend(self._lifted(child, depth + 1))
            elif dep == "acl" and (
                child.lemma_ in self.g.destination_participles
                and child.morph.get("VerbForm", []) == ["Part"]
                or child.lemma_ in self.g.content_verbs
            ):
                # « des roquettes destinées à Wagner », « des chars promis à Kiev et à Chisinau »; the
                # participle's agent (« livrés par l'Allemagne ») is its own, not the predicate's. A verb
                # of content takes no such phrase: « du matériel comprenant des drones à l'Ukraine ».
                destined = child.lemma_ in self.g.destination_participles
                for grand, gdep, m in self.marked(child):
                    if m in self.g.lifted_markers and m not in self.g.agent_markers and gdep not in self.g.clause_deps:
                        out.extend(self._with_conjuncts(Argument(grand, "destined" if destined else "lifted", m)))
                if destined:
                    # « des radars destinés à être offerts à Kiev »: the destination is in the passive infinitive.
                    for clause in child.children:
                        if clause.dep_ in ("xcomp", "ccomp", "advcl", "obl:arg") and clause.pos_ == "VERB":
                            out.extend(
                                Argument(a.token, "destined", a.marker)
                                for a in self.direct(clause)
                                if a.marker in self.g.lifted_markers and a.marker not in self.g.agent_markers
                            )
            elif dep == "amod" and child.pos_ == "ADJ" and child.morph.get("VerbForm", []) != ["Part"]:
                # « des armes américaines à l'Ukraine »: the phrase after an adjective that ends the noun
                # phrase is the parser's attachment to the nearest word, not the adjective's complement.
                for grand, gdep, m in self.marked(child):
                    if (
                        grand.i > child.i
                        and grand.pos_ in NOMINAL
                        and m in self.g.lifted_markers
                        and m not in self.g.agent_markers
                        and gdep not in self.g.clause_deps
                    ):
                        out.extend(self._with_conjuncts(Argument(grand, "lifted", m)))
        return out

    def with_conjuncts(self, arg: Argument) -> list[Argument]:
        """`arg` and the arguments coordinated with it (`_with_conjuncts`)."""
        return self._with_conjuncts(arg)

    def _with_conjuncts(self, arg: Argument) -> list[Argument]:
        found = [arg]
        if arg.rel in SUBJECTS and not arg.marker:
            # « Le Danemark, la Norvège et les Pays-Bas ont fourni … »: subjects before the last one.
            found.extend(Argument(t, arg.rel, "", arg.contrasted) for t in self._coordinated_before(arg.token))
            found.extend(Argument(t, arg.rel, "", arg.contrasted) for t in self._tant_que_after(arg.token))
        stack = [arg.token]
        while stack:
            token = stack.pop()
            words = self._written_with(token)
            # « des véhicules blindés et des drones »: the parser coordinates the next noun with the adjective;
            # « des Rafale de la France et des sous-marins de l'Allemagne »: with the name after « de ».
            words += [c for word in words for c in word.children if c.dep_ == "amod" and c.pos_ == "ADJ"]
            if token.pos_ == "NOUN":
                words += [
                    c
                    for word in words
                    for c in word.children
                    if c.dep_ == "nmod" and c.pos_ == "PROPN" and self.marker(c) == "de" and c.i > word.i
                ]
            for child in (c for word in words for c in word.children):
                if child.pos_ == "NOUN" and token.pos_ == "PROPN" and self._partitive(child) and arg.marker == "de":
                    continue  # « de la France et des sous-marins »: the noun is the name's head's conjunct
                if child.head.pos_ == "PROPN" and token.pos_ == "NOUN" and child.pos_ != "NOUN":
                    continue
                if child.head.pos_ == "PROPN" and token.pos_ == "NOUN" and not self._partitive(child):
                    continue
                if child.dep_ == "conj" and not self.is_clause(child) and not self._subject_of_next_verb(child):
                    own = self.marker(child)
                    partitive = all(c.lower_ in ("des", "du") for c in child.children if c.dep_ == "case")
                    if partitive and own and child.pos_ == "PROPN" and not arg.marker and arg.rel != "lifted":
                        if self._second_name_after_de(token, child):
                            found.append(Argument(child, "lifted", own, arg.contrasted))
                            continue
                    if own and not arg.marker and arg.rel != "lifted" and not partitive:
                        # « la Biélorussie, voisine de la Pologne et de plusieurs pays »: a
                        # conjunct with a preposition its head lacks belongs to another phrase.
                        continue
                    # « de la part des États-Unis et de l'Europe »: the second conjunct
                    # repeats only the last word of the locution.
                    marker = arg.marker if not own or arg.marker.endswith(" " + own) else own
                    if partitive and arg.marker:
                        # « sur du matériel et des pièces d'artillerie »: the article « des » of the
                        # second conjunct is no preposition; it shares the first one's.
                        marker = arg.marker
                    contrasted = arg.contrasted or self._ruled_out(child)
                    found.append(Argument(child, arg.rel, marker, contrasted))
                    stack.append(child)
            if not stack:
                last = max(found, key=lambda a: a.token.i).token
                following = self._coordinated_after(last)
                listing = (
                    arg.rel in ("obj", "nsubj:pass", "content")
                    or (arg.marker == "de" and self._partitive(last))
                    or arg.marker in self.g.item_list_markers
                )
                # « des chasseurs »: a noun the tagger took for a name keeps its article.
                common = last.pos_ == "NOUN" or any(
                    c.dep_ == "det" and c.lower_ in self.g.indefinite_articles for c in last.children
                )
                if following is None and listing and common:
                    following = self._listed_after(last)
                if following is not None and all(a.token.i != following.i for a in found):
                    found.append(Argument(following, arg.rel, arg.marker))
                    stack.append(following)
        return found

    def _listed_after(self, last: Token) -> Token | None:
        """The next noun of a list of objects, read from the words: « des hélicoptères Apache, des missiles
        Javelin et des lance-roquettes HIMARS ». The parser often breaks long lists, hanging the later items on
        a name or a complement of the earlier ones. After the noun's own words (adjectives, names, numbers, a
        « de » complement), a comma, « et » or « ou », then an article, a number or a partitive « de », then a
        noun: the next item. Nothing when a verb or any other word comes first."""
        doc, sentence = last.doc, last.sent
        i = last.i + 1
        while i < sentence.end and i - last.i <= 10:
            token = doc[i]
            if token.pos_ in ("ADJ", "PROPN", "NUM", "X") or token.text in ("-", "(", ")") or _is_name(token):
                i += 1  # « des drones Mohajer-6 et … », the name tagged a noun
            elif token.dep_ == "amod" and token.head.i == i - 1:
                i += 1  # « des missiles antinavires », the adjective read as a noun
            elif token.pos_ == "VERB" and token.morph.get("VerbForm", []) == ["Part"]:
                i += 1  # « des drones d'attaque appelés Shahed, mais également … »
            elif (
                token.lower_ in self.g.partitive_articles
                and i + 1 < sentence.end
                and doc[i + 1].pos_
                in (
                    "NOUN",
                    "PROPN",
                    "NUM",
                    "ADJ",
                )
            ):
                if doc[i - 1].text in (",",) or doc[i - 1].lower_ in self.g.list_conjunctions:
                    break
                i += 2  # « des missiles de croisière », « des obus de 155 mm »
            else:
                break
        if i >= sentence.end or (doc[i].text != "," and doc[i].lower_ not in self.g.list_conjunctions):
            return None
        i += 1
        if i < sentence.end and doc[i].lower_ in self.g.list_conjunctions:
            i += 1  # « , et des drones »
        for locution in self.g.coordinating_locutions:
            if tuple(t.lower_ for t in doc[i : i + len(locution)]) == locution:
                i += len(locution)  # « , mais également des munitions »
                break
        if i >= sentence.end or not (
            doc[i].pos_ in ("DET", "NUM") or doc[i].lower_ in self.g.partitive_articles or doc[i].lower_ == "de"
        ):
            return None
        first = i
        while i < sentence.end and (doc[i].pos_ in ("DET", "NUM", "ADJ") or doc[i].lower_ in self.g.partitive_articles):
            i += 1
        if i >= sentence.end or doc[i].pos_ not in ("NOUN", "PROPN"):
            return None
        if self._definite(doc[first]) and not self._definite_phrase(last):
            return None  # « des obusiers K9, le fleuron de son industrie, … »: an apposition, not the next item
        for token in doc[i + 1 : sentence.end]:
            # « En juin, le chancelier allemand avait promis … »: a noun phrase followed by its verb starts a clause.
            if token.pos_ in ("VERB", "AUX"):
                return None
            if token.text in (",", ";", ".") or token.lower_ in self.g.list_conjunctions or token.pos_ == "ADP":
                break
        return doc[i]

    def _definite(self, word: Token) -> bool:
        """Whether a word opening a noun phrase is a definite article or a demonstrative or possessive one."""
        return word.pos_ == "DET" and (
            "Def" in word.morph.get("Definite", [])
            or "Dem" in word.morph.get("PronType", [])
            or "Yes" in word.morph.get("Poss", [])
        )

    def _definite_phrase(self, noun: Token) -> bool:
        """Whether a noun's phrase opens with a definite, demonstrative or possessive article."""
        return any(c.dep_ == "det" and self._definite(c) for c in noun.children)

    def _tant_que_after(self, subject: Token) -> list[Token]:
        """« Tant les États-Unis que le Royaume-Uni ont fourni », with the parser's subject the first one: the noun
        phrase after « que ». Read from the words."""
        doc, sentence = subject.doc, subject.sent
        start = subject.i
        while start > sentence.start and doc[start - 1].pos_ == "DET":
            start -= 1
        if start == sentence.start or doc[start - 1].lower_ != "tant":
            return []
        i = subject.i + 1
        while i < sentence.end and (doc[i].pos_ in ("PROPN", "ADJ") or doc[i].text == "-"):
            i += 1
        if i >= sentence.end or doc[i].lower_.replace("’", "'") not in ("que", "qu'"):
            return []
        i += 1
        while i < sentence.end and doc[i].pos_ == "DET":
            i += 1
        return [doc[i]] if i < sentence.end and doc[i].pos_ in ("PROPN", "NOUN") else []

    def _coordinated_before(self, subject: Token) -> list[Token]:
        """The noun phrases coordinated before a subject, read from the words: « Le Danemark, la Norvège et les
        Pays-Bas ont fourni », « Tant les États-Unis que le Royaume-Uni ont fourni ». The parser often makes the
        first ones an adjunct or the root; a phrase that starts the sentence, or follows a comma or « et », and
        has no preposition, is a conjunct of the subject after it."""
        doc, sentence = subject.doc, subject.sent
        found: list[Token] = []
        edge = min(subject.left_edge.i, subject.i)
        while edge > sentence.start:
            while edge > sentence.start and doc[edge - 1].pos_ == "DET":
                edge -= 1  # the subject's own article, if the parser left it out of its phrase
            separator = doc[edge - 1] if edge > sentence.start else None
            if separator is None:
                break
            locution = next(
                (
                    words
                    for words in self.g.subject_locutions
                    if [t.lower_ for t in doc[max(edge - len(words), sentence.start) : edge]] == list(words)
                ),
                None,
            )
            if locution is not None:
                edge -= len(locution) - 1  # « L'Allemagne, de même que les Pays-Bas, a envoyé … »
                separator = doc[edge - 1]
                if edge - 2 >= sentence.start and doc[edge - 2].text == ",":
                    edge -= 1
                    separator = doc[edge - 1]
            elif separator.lower_ not in self.g.subject_separators:
                break
            end = edge - 1
            start = end
            while start > sentence.start and (
                doc[start - 1].pos_ in ("DET", "ADJ", "NOUN", "PROPN", "NUM")
                or doc[start - 1].lower_ in self.g.name_joiners
            ):
                start -= 1
            heads = [t for t in doc[start:end] if t.pos_ in ("PROPN", "NOUN")]
            before = doc[start - 1] if start > sentence.start else None
            if not heads or (before is not None and before.lower_ not in self.g.subject_separators | {"tant"}):
                break
            if locution is None and separator.lower_ == "que" and (before is None or before.lower_ != "tant"):
                break  # « que » coordinates only in « tant X que Y » (or a locution: « de même que »)
            found.append(heads[0])
            edge = start - 1 if before is not None and before.lower_ == "tant" else start
        return found

    @staticmethod
    def _partitive(noun: Token) -> bool:
        """Whether a noun has an indefinite or partitive article (« des », « du », « de »): a new item, not a
        name (names take no partitive article)."""
        return any(c.lower_ in ("des", "du", "de", "d'", "d’") and c.i < noun.i for c in noun.children)

    def _written_with(self, token: Token) -> list[Token]:
        """`token` as one word (`_word_of`), with the name a common noun is followed by (« des chars Leclerc et
        des Caesar »): the parser coordinates the next item with the name, which stands for the noun."""
        word = _word_of(token)
        name = self._name_after(word[-1]) if token.pos_ == "NOUN" else None
        return word if name is None else [*word, name]

    def _name_after(self, noun: Token) -> Token | None:
        """The name right after a common noun that it depends on without a preposition (« des avions Mirage »,
        « des chars Leopard »): part of the noun's phrase, whatever its tag (« Mirage » is often a noun)."""
        following = noun.i + 1
        if following >= noun.sent.end:
            return None
        name = noun.doc[following]
        if name.head != noun or name.dep_ not in ("nmod", "flat:name", "appos") or self.marker(name):
            return None
        return name if _is_name(name) else None

    def _after_detached_name(self, noun: Token) -> list[Argument]:
        """« livrer des chars Leopard 2 à l'Ukraine »: a name and number after a noun often break the parse,
        which hangs them, and the phrase after them, anywhere in the sentence. Read from the words: the
        detached name, then a role preposition and its noun."""
        doc, end = noun.doc, noun.sent.end
        i = noun.i + 1
        if i >= end or not _is_name(doc[i]) or doc[i].head == noun:
            return []
        while i < end and (_is_name(doc[i]) or doc[i].pos_ == "NUM" or doc[i].text == "-"):
            i += 1
        if i >= end or doc[i].pos_ != "ADP":
            return []
        marker = self.g.normalise_marker(doc[i].lower_)
        if marker not in self.g.lifted_markers or marker in self.g.agent_markers:
            return []
        i += 1
        while i < end and doc[i].pos_ == "DET":
            i += 1
        if i >= end or doc[i].pos_ not in ("NOUN", "PROPN"):
            return []
        return self._with_conjuncts(Argument(doc[i], "lifted", marker))

    def _second_name_after_de(self, head: Token, conjunct: Token) -> bool:
        """« des avions du Danemark et des Pays-Bas »: a name takes no indefinite article, so its « des » is
        « de » and the article; the parser coordinates the name with the noun instead of the « de » name
        before it, which is the conjunct it continues."""
        return any(
            sibling.dep_ == "nmod"
            and sibling.pos_ == "PROPN"
            and sibling.i < conjunct.i
            and self.marker(sibling) == "de"
            for sibling in head.children
        )

    def _ruled_out(self, conjunct: Token) -> bool:
        """Whether a conjunct is ruled out by its own adverb: « et non au gouvernement russe », « mais pas à Minsk »."""
        return any(c.dep_ == "advmod" and c.lower_ in self.g.contrast_words for c in conjunct.children)

    def _coordinated_after(self, last: Token) -> Token | None:
        """The noun a coordinating locution adds right after `last` (« des canons, ainsi que des drones »).

        Read from the words, not the tree: the parser often hangs the second phrase on the verb, or makes
        it the subject of a following incise.
        """
        doc = last.doc
        i = last.right_edge.i + 1
        starts = {locution[0] for locution in self.g.coordinating_locutions}
        if not any(j < len(doc) and doc[j].lower_ in starts for j in (i, i + 1)):
            return None  # the common case, decided before finding the sentence (costly)
        sentence = last.sent
        if i < sentence.end and doc[i].text == ",":
            i += 1
        for locution in self.g.coordinating_locutions:
            words = [t.lower_ for t in doc[i : min(i + len(locution), sentence.end)]]
            if tuple(words) != locution:
                continue
            j = i + len(locution)
            while j < sentence.end and doc[j].pos_ in ("DET", "ADP", "NUM"):
                j += 1
            if j < sentence.end and doc[j].pos_ in ("NOUN", "PROPN"):
                return doc[j]
        return None

    def antecedent(self, token: Token) -> Token | None:
        """The noun a relative clause containing `token` (a relative pronoun) is about.

        A subject « qui » follows its antecedent (at most after a comma and its adjectives), whatever the parser
        hangs the clause on (« le président tchèque qui lançait … » with the clause on an earlier noun)."""
        if token.lower_ in self.g.subject_relative_pronouns and token.dep_ in ("nsubj", "nsubj:pass"):
            adjacent = self._preceding_noun(token)
            if adjacent is not None:
                return adjacent
        clause = token.head
        while clause.dep_ not in ("acl:relcl", "acl") and clause.head.i != clause.i:
            if clause.dep_ in ("ROOT", "root"):
                return None
            clause = clause.head
        if clause.dep_ in ("acl:relcl", "acl"):
            return clause.head
        return self._preceding_noun(token) if token.lower_ in self.g.adjacent_relative_pronouns else None

    def _preceding_noun(self, token: Token) -> Token | None:
        """The noun right before a subject relative pronoun (« aux Pays-Bas, qui les livreraient »).

        A subject « qui » follows its antecedent, at most after a comma; this reads it when the parser
        hangs the relative clause on the main verb instead of the noun.
        """
        doc, start = token.doc, token.sent.start
        i = token.i - 1
        if i >= start and doc[i].text == ",":
            i -= 1
        # « du matériel militaire qui … »: past the adjectives that follow the noun.
        while i >= start and doc[i].pos_ == "ADJ" and doc[i].head.i < i:
            i -= 1
        if i < start or doc[i].pos_ not in ("NOUN", "PROPN"):
            return None
        return doc[i]

    def resolve_relative(self, arg: Argument) -> list[Argument]:
        if arg.token.lower_ in self.g.relative_pronouns and arg.token.pos_ in ("PRON", "SCONJ"):
            noun = self.antecedent(arg.token)
            if noun is None:
                return []
            # « dont » is « de » + the relative pronoun (« les missiles dont la cession » is « la cession des
            # missiles »), « auquel » and « à qui » are « à » + it (« le Maroc, auquel Israël a vendu des drones »).
            marker = self.g.relative_markers.get(arg.token.lower_, "") or arg.marker
            return self._with_conjuncts(Argument(noun, arg.rel, marker))
        return [arg]

    def subject_of(self, verb: Token, depth: int = 0) -> list[Argument]:
        """The subject of `verb`, inherited from governing verbs where it has none of its own."""
        own = [a for a in self.direct(verb) if a.rel in SUBJECTS]
        if own:
            return [r for a in own for r in self.resolve_relative(a)]
        fronted = self._fronted_subject(verb) or self._subject_before(verb)
        if fronted is not None:
            return self._with_conjuncts(Argument(fronted, "nsubj", ""))
        if depth > 4 or verb.head.i == verb.i:
            return []
        head, dep = verb.head, verb.dep_
        if (
            verb.morph.get("VerbForm", []) == ["Inf"]
            and dep == "acl"
            and head.pos_ == "PROPN"
            and head.i < verb.i
            and head.dep_ in ("ROOT", "root", "nsubj")
            and all(c.lower_ in ("de", "d'") for c in verb.children if c.dep_ == "mark")
        ):
            # « Pékin dément fournir des armes »: the parser read the governing verb as an adjective and hung the
            # infinitive on the name before it; a name takes no infinitive, so it is the clause's subject.
            return self._with_conjuncts(Argument(head, "nsubj", ""))
        if verb.morph.get("VerbForm", []) == ["Inf"] and self._impersonal(head):
            # « Il n'est pas question pour Paris de livrer », « il est impossible pour Berlin d'envoyer », « il est
            # hors de question pour Washington de livrer »: the « pour » phrase of an impersonal predicate (or of
            # its complement) is its infinitive's subject.
            predicates = [head, *(c for c in head.children if c.dep_ in ("obl:arg", "obl", "xcomp") and c.i < verb.i)]
            beneficiary = [
                a
                for predicate in predicates
                for a in self.direct(predicate)
                if a.marker == "pour" and a.token.pos_ in ("PROPN", "NOUN")
            ]
            if beneficiary:
                return [Argument(a.token, "nsubj", "") for a in beneficiary]
        if (
            verb.morph.get("VerbForm", []) == ["Inf"]
            and dep == "acl"
            and self.marker(head) == "pour"
            and any(c.dep_ == "expl:subj" for c in head.head.children)
        ):
            return [Argument(head, "nsubj", "")]  # the same, with the infinitive hung on the « pour » phrase
        if dep == "xcomp" or (
            dep in ("ccomp", "advcl", "obl:arg", "obj") and verb.morph.get("VerbForm", []) == ["Inf"]
        ):
            if head.lemma_ in self.g.object_control_verbs:
                objects = [
                    a
                    for a in self.direct(head)
                    if a.rel in ("obj", "iobj") or (a.rel.startswith("obl") and a.marker == "à")
                ]
                if objects:
                    return [Argument(a.token, "nsubj", "") for a in objects]
            aim = aim_noun(verb, self.g.aim_nouns)
            if aim is not None:
                return self._holders(aim)
            return [Argument(a.token, "nsubj", "") for a in self.subject_of(head, depth + 1)]
        if dep == "acl" and any(c.dep_ == "cop" for c in head.children) and _infinitival(verb):
            # « le Royaume-Uni est le premier pays à avoir livré des chars »: the predicate's subject.
            return [Argument(a.token, "nsubj", "") for a in self.subject_of(head, depth + 1)]
        if (
            dep == "acl"
            and verb.morph.get("VerbForm", []) == ["Inf"]
            and head.head.lemma_ in self.g.object_control_verbs
            and head.dep_ in ("obj", "iobj", "obl:arg", "obl:mod", "obl")
        ):
            # « demander à ses alliés de livrer »: the parser hangs the infinitive on the
            # object, which is its subject.
            return self._with_conjuncts(Argument(head, "nsubj", ""))
        if dep == "acl" and head.pos_ == "NOUN" and verb.morph.get("VerbForm", []) == ["Inf"] and head.head.i != head.i:
            # « un contrat pour produire des obus »: the party to the contract.
            if head.head.pos_ in ("VERB", "AUX"):
                return [Argument(a.token, "nsubj", "") for a in self.subject_of(head.head, depth + 1)]
            return []
        if (
            dep == "conj"
            and head.pos_ in ("VERB", "AUX")
            or dep == "advcl"
            and verb.morph.get("VerbForm", []) == ["Part"]
        ):
            return [Argument(a.token, "nsubj", "") for a in self.subject_of(head, depth + 1)]
        if (
            dep in ("acl:relcl", "acl")
            and head.pos_ in ("NOUN", "PROPN")
            and head.i < verb.i
            and self._finite(verb)
            and not any("Rel" in c.morph.get("PronType", []) for c in verb.subtree if c.i < verb.i)
        ):
            # « Moscou lui en a fourni quatre »: with clitics between them, the parser reads a subject and its
            # finite verb as a noun and a relative clause; a relative clause has a relative pronoun.
            return [Argument(head, "nsubj", "")]
        if dep in ("nmod", "appos", "compound") and head.pos_ in ("NOUN", "PROPN") and head.i < verb.i:
            # « La Corée du Nord livre des obus »: a verb the tagger read as a noun is hung on the noun phrase
            # before it, which is its subject.
            subject = head
            while subject.dep_ in ("nmod", "flat:name", "flat", "appos") and subject.head.i < subject.i:
                subject = subject.head
            return [Argument(subject, "nsubj", "")]
        if verb.pos_ in ("ADV", "ADP", "SCONJ") and dep in ("advmod", "mark", "case", "fixed"):
            # « afin de les livrer », with the infinitive hung on « afin »: a purpose clause has the
            # subject of the verb it modifies.
            return self.subject_of(head, depth + 1)
        return []

    def _fronted_subject(self, verb: Token) -> Token | None:
        """« Dix-huit pays, dont la France, ont fourni … »: a finite verb the parser left without a subject takes
        the noun phrase before it that it hangs on it without a preposition (an adjunct to the parser, but French
        puts no bare noun phrase before its verb but the subject)."""
        if not self._finite(verb):
            return None
        for child in verb.children:
            if (
                child.i < verb.i
                and child.pos_ in ("NOUN", "PROPN")
                and child.dep_ in ("obl:mod", "obl", "dep", "nmod", "dislocated")
                and not self.marker(child)
                and not any(c.dep_ == "case" for c in child.children)
            ):
                return child
        return None

    @staticmethod
    def _impersonal(predicate: Token) -> bool:
        """Whether a predicate is impersonal (« il est impossible », « il est hors de question »): its subject is
        the expletive « il », tagged so or read as a plain subject of « être »."""
        return any(
            c.dep_ == "expl:subj" or (c.dep_ == "nsubj" and c.lower_ == "il" and predicate.lemma_ == "être")
            for c in predicate.children
        )

    def _subject_before(self, verb: Token) -> Token | None:
        """« …: l'Iran l'approvisionne en drones »: the noun phrase right before a conjugated verb and its clitics,
        read from the words when the parser hung the verb elsewhere (on a noun, as a conjunct). A name or noun
        there, not introduced by a preposition, is the subject."""
        form = verb.morph.get("VerbForm", [])
        if verb.pos_ != "VERB" or form in (["Inf"], ["Ger"]) or (form == ["Part"] and not self._finite(verb)):
            return None  # (a participle with its auxiliary, « en a acheté », is conjugated)
        doc, i = verb.doc, verb.i - 1
        while i >= verb.sent.start and (doc[i].lower_ in self.g.clitic_words or doc[i].pos_ in ("AUX", "ADV")):
            i -= 1
        if i < verb.sent.start:
            return None
        if doc[i].pos_ == "PRON" and doc[i].lower_ in self.g.subject_pronouns:
            return doc[i]
        while i > verb.sent.start and doc[i].pos_ == "ADJ" and doc[i].head.i == i - 1:
            i -= 1  # « des instructeurs iraniens devraient … »
        if doc[i].pos_ not in ("PROPN", "NOUN"):
            return None
        start = i
        while start > verb.sent.start and (
            doc[start - 1].pos_ in ("DET", "ADJ", "PROPN") or doc[start - 1].lower_ in self.g.name_joiners
        ):
            start -= 1
        if start > verb.sent.start and doc[start - 1].pos_ == "ADP":
            return None
        return doc[i]

    def _subject_of_next_verb(self, noun: Token) -> bool:
        """« vendu des drones à l'Ukraine et la Russie en a acheté à l'Iran »: a noun after « et » followed by its
        own conjugated verb (past clitics and auxiliaries) starts a clause; it is no conjunct of the phrase before."""
        doc, i = noun.doc, max(t.i for t in noun.subtree) + 1
        while i < noun.sent.end and (doc[i].lower_ in self.g.clitic_words or doc[i].pos_ == "AUX"):
            i += 1
        if i >= noun.sent.end or doc[i].pos_ != "VERB" or not self._finite(doc[i]):
            return False
        phrase = noun
        while phrase.dep_ in ("conj", "nmod", "flat", "flat:name", "appos") and phrase.head.i != phrase.i:
            phrase = phrase.head
        # « L'Allemagne et la France ont livré », « Les Pays-Bas et le Danemark se sont engagés »: subjects
        # coordinated before their one verb.
        return phrase.head.i != doc[i].i and phrase.i < noun.i

    @staticmethod
    def _finite(verb: Token) -> bool:
        """A conjugated verb, or a participle with its auxiliary (« a fourni »), not a bare participle."""
        if verb.morph.get("Mood", []):
            return True
        return any(c.dep_ in ("aux", "aux:tense") and c.morph.get("Mood", []) for c in verb.children)

    def _holders(self, aim: Token) -> list[Argument]:
        """Who holds an aim (« l'objectif de la Norvège »): its « de » complement, the subject of its content."""
        out: list[Argument] = []
        for child in aim.children:
            if child.dep_ == "nmod" and child.pos_ in NOMINAL and self.marker(child) == "de":
                out.extend(self._with_conjuncts(Argument(child, "nsubj", "")))
        return out

    @per_doc
    def arguments(self, trigger: Token) -> list[Argument]:
        """All arguments of a trigger, explicit and implicit, relative pronouns resolved."""
        args = [r for a in self.direct(trigger) for r in self.resolve_relative(a)]
        args.extend(self.source_and_goal(trigger))
        if trigger.pos_ in ("VERB", "AUX"):
            if not any(a.rel in SUBJECTS for a in args):
                args.extend(self.subject_of(trigger))
            passive = any(c.dep_ == "aux:pass" for c in trigger.children) or "Pass" in trigger.morph.get("Voice", [])
            if passive and trigger.dep_ == "conj" and trigger.head.pos_ in ("VERB", "AUX"):
                # « La France va produire des obus, et les blindés seront livrés »: the agent left
                # unsaid in a coordinated passive is the topic of the first clause (rules use it last).
                args.extend(Argument(a.token, "topic", "") for a in self.subject_of(trigger.head) if a.rel == "nsubj")
            if (
                trigger.dep_ == "acl"
                and trigger.morph.get("VerbForm", []) == ["Part"]
                and not any(a.rel in SUBJECTS for a in args)
            ):
                described = trigger.head
                while (
                    described.dep_ == "nmod"
                    and described.lemma_.lower() in self.g.origin_nouns
                    and described.head.pos_ in NOMINAL
                ):
                    # « des drones de fabrication iranienne tirés par l'armée russe »: the participle the parser
                    # hung on the origin phrase describes the noun it qualifies.
                    described = described.head
                args.extend(self._with_conjuncts(Argument(described, "nsubj:pass", "")))
                # « la Pologne dispose de MiG hérités de la RDA »: the holder of the noun.
                args.extend(self.governor_arguments(trigger.head))
            if trigger.dep_ == "xcomp" and trigger.head.lemma_ in self.g.control_verbs:
                args.extend(self._after_infinitive(trigger))
        else:
            args.extend(self.governor_arguments(trigger))
            args.extend(self._agent_after_apposition(trigger))
            args.extend(self.contents(trigger))
            args.extend(self._relative_complement(trigger))
            head = trigger.head
            if trigger.dep_ in ("obj", "xcomp") and head.lemma_ in self.g.attributive_verbs:
                # « l'Iran est devenu le principal fournisseur »: the subject of « devenir » is its predicate's.
                args.extend(Argument(a.token, "nsubj", "") for a in self.subject_of(head) if a.rel == "nsubj")
        return args

    def _relative_complement(self, noun: Token) -> list[Argument]:
        """« les missiles dont la Norvège a confirmé la cession », « les F-35 dont la Suisse a finalisé l'achat »:
        the antecedent of a « dont » is the « de » complement of the object of the relative clause's verb."""
        if noun.dep_ != "obj" or noun.head.pos_ not in ("VERB", "AUX"):
            return []
        found = self.relative_clause(noun.head)
        if found is None or found[2] != "de" or any(self.marker(c) == "de" for c in noun.children):
            return []
        return self._with_conjuncts(Argument(found[0], "nmod", "de"))

    def source_and_goal(self, trigger: Token) -> list[Argument]:
        """« de X vers Y » after a trigger: X where the items come from (`source`), Y where they go (`goal`).

        « les livraisons de pièces de l'Inde vers la Russie », « faire le chemin inverse, de l'Iran vers la
        Russie »: read from the words, since the parser hangs the two phrases anywhere (on the items, on a
        comma). The goal marker is found first, then the « de »/« depuis » phrase right before it. The span
        searched is the trigger's own phrase for a noun, the rest of its clause for a verb.
        """
        doc, sentence = trigger.doc, trigger.sent
        if trigger.pos_ in ("VERB", "AUX"):
            end = next(
                (
                    t.i
                    for t in doc[trigger.i + 1 : sentence.end]
                    if (t.pos_ in ("VERB", "AUX") and t.head.i != trigger.i) or t.pos_ == "SCONJ" or t.text == ";"
                ),
                sentence.end,
            )
        else:
            end = trigger.right_edge.i + 1
        base = trigger.i + 1
        words = [t.lower_.replace("’", "'") for t in doc[base : min(end + 3, sentence.end)]]
        for start in range(base, end):
            here = start - base
            goal = next((m for m in self.g.goal_markers if tuple(words[here : here + len(m)]) == m), None)
            paired = False
            if goal is None:
                goal = next((m for m in self.g.paired_goal_markers if tuple(words[here : here + len(m)]) == m), None)
                paired = True
            if goal is None:
                continue
            after = start + len(goal)
            while after < end and doc[after].pos_ == "DET":
                after += 1
            if after >= end or doc[after].pos_ not in ("NOUN", "PROPN"):
                continue
            found = [Argument(doc[after], "goal", " ".join(goal))]
            # Back from the goal marker over the source phrase: its words, then its « de »/« depuis ».
            back = start - 1
            while back > trigger.i and (doc[back].pos_ in ("DET", "ADJ", "NOUN", "PROPN") or doc[back].text == ","):
                if doc[back].lower_ in self.g.source_markers:
                    break
                back -= 1
            if back > trigger.i and doc[back].lower_.replace("’", "'") in self.g.source_markers:
                heads = [t for t in doc[back + 1 : start] if t.pos_ in ("NOUN", "PROPN")]
                if heads and (not paired or heads[0].pos_ == "PROPN"):
                    found.append(Argument(heads[0], "source", "de"))
                    return found
            if not paired:
                return found
        return []

    @per_doc
    def contents(self, noun: Token) -> list[Argument]:
        """What a noun is said to contain, as `content`: « le paquet d'aide comprend des missiles », « une aide
        comprenant des chars », « du matériel, qui inclut des drones ». The parser often makes a conjugated
        content verb after the noun its `acl`, as it does a participle."""
        clauses = []
        head = noun.head
        if noun.dep_ == "nsubj" and head.pos_ == "VERB" and head.lemma_ in self.g.content_verbs:
            clauses.append(head)
        for child in noun.children:
            if child.pos_ != "VERB" or child.lemma_ not in self.g.content_verbs:
                continue
            relative = any(c.dep_ == "nsubj" and "Rel" in c.morph.get("PronType", []) for c in child.children)
            if (
                child.dep_ == "acl"
                and not any(c.dep_ in SUBJECTS for c in child.children)
                or (child.dep_ == "acl:relcl" and relative)
            ):
                clauses.append(child)
        for word in noun.doc[noun.i + 1 : min(noun.i + 6, noun.sent.end)]:
            # « du matériel militaire qui comprend des drones »: a relative clause hung on the main verb.
            verb = word.head
            if (
                word.lower_ in self.g.subject_relative_pronouns
                and word.dep_ == "nsubj"
                and verb.lemma_ in self.g.content_verbs
                and verb.dep_ not in ("acl", "acl:relcl")
                and self.antecedent(word) == noun
            ):
                clauses.append(verb)
        found = [
            Argument(a.token, "content", "")
            for clause in clauses
            for a in self.direct(clause)
            if a.rel == "obj" or (a.rel.startswith("obl") and a.marker == "de" and self._partitive(a.token))
        ]
        if noun.dep_.startswith("obl") and self.marker(noun) == "dans" and head.lemma_ in self.g.content_verbs:
            # « des armes antichars seront incluses dans le programme d'aide »: the passive's subject is content.
            found.extend(Argument(a.token, "content", "") for a in self.direct(head) if a.rel in SUBJECTS)
        return found + self._members_after(noun) + self._included_after(noun)

    def _members_after(self, noun: Token) -> list[Argument]:
        """« Parmi les équipements cédés à la Moldavie figurent des radars et des drones »: what the membership
        verb after a « parmi » phrase places among its noun. Read from the words: the parser often makes the
        noun the verb's subject, or the verb a parataxis of a relative clause's."""
        if self.marker(noun) != "parmi":
            return []
        sentence = noun.sent
        verb = next(
            (
                t
                for t in noun.doc[noun.i + 1 : sentence.end]
                if t.pos_ == "VERB" and t.lemma_.lower() in self.g.membership_verbs
            ),
            None,
        )
        if verb is None:
            return []
        return [
            Argument(a.token, "content", "")
            for a in self.direct(verb)
            if a.token.i > verb.i and a.rel in ("obj", "nsubj", "nsubj:pass", "obl:arg") and a.token.pos_ in NOMINAL
        ]

    def _included_after(self, noun: Token) -> list[Argument]:
        """« un paquet d'armes pour l'Ukraine, y compris des systèmes de défense aérienne »: what a locution of
        inclusion after the noun's phrase lists is its content, read from the words."""
        doc, sentence = noun.doc, noun.sent
        end = max(noun.right_edge.i, noun.i) + 1
        stop = min(end + 2, sentence.end)
        if stop <= noun.i + 1:
            return []
        window = doc[noun.i + 1 : min(stop + self.g.longest_inclusion, sentence.end)]
        words = [t.lower_ for t in window]
        for offset, token in enumerate(window[: stop - noun.i - 1]):
            if token.pos_ in ("VERB", "AUX"):
                break
            j = noun.i + 1 + offset
            for locution in self.g.inclusion_locutions:
                if tuple(words[offset : offset + len(locution)]) != locution:
                    continue
                k = j + len(locution)
                while k < sentence.end and (
                    doc[k].pos_ in ("DET", "NUM") or doc[k].lower_ in self.g.partitive_articles
                ):
                    k += 1
                if k < sentence.end and doc[k].pos_ in ("NOUN", "PROPN"):
                    return self._with_conjuncts(Argument(doc[k], "content", ""))
        return []

    def _agent_after_apposition(self, noun: Token) -> list[Argument]:
        """« la fourniture d'un système Mamba, l'équivalent du Patriot, par la France et l'Italie »: the agent.

        An apposition between commas ends the noun's phrase for the parser, which then hangs « par la
        France » on the apposition or elsewhere; read from the words: the noun's phrase, a comma, a short
        phrase without a verb, a comma, then an agent marker.
        """
        doc, sentence = noun.doc, noun.sent
        comma = noun.right_edge.i + 1
        if comma >= sentence.end or doc[comma].text != ",":
            return []
        close = comma + 1
        while close < sentence.end and close - comma <= 8 and doc[close].text != ",":
            if doc[close].pos_ in ("VERB", "AUX"):
                return []
            close += 1
        marker = close + 1
        if close == comma + 1 or marker >= sentence.end or doc[close].text != ",":
            return []
        if doc[marker].lower_ not in self.g.agent_markers:
            return []
        head = marker + 1
        while head < sentence.end and doc[head].pos_ == "DET":
            head += 1
        if head >= sentence.end or doc[head].pos_ not in NOMINAL:
            return []
        return self._with_conjuncts(Argument(doc[head], "nmod", doc[marker].lower_))

    def _after_infinitive(self, trigger: Token) -> list[Argument]:
        """Phrases after an infinitive that the parser hung on the verb controlling it.

        « Moscou pourrait se procurer des chars, des blindés et des drones auprès de Pyongyang »:
        everything after « se procurer » is its complement, though the parser may attach « des
        blindés » (even as a subject) and « auprès de Pyongyang » to « pourrait ».
        """
        found: list[Argument] = []
        for child, dep, marker in self.marked(trigger.head):
            if child.i > trigger.i and child.pos_ in NOMINAL:
                rel = "obj" if dep in SUBJECTS and not marker else dep
                found.extend(self._with_conjuncts(Argument(child, rel, marker)))
        return found

    def governor_arguments(self, noun: Token, depth: int = 0) -> list[Argument]:
        """For a nominal trigger, the subject of the verb it is the object of (« X a confirmé la livraison »).

        Verbs whose subject receives (« Kiev attend les livraisons ») expose it as `gov-recv:nsubj`.
        """
        head = noun.head
        if noun.dep_ in ("nmod", "acl") and head.lemma_ in self.g.agreement_nouns and depth == 0:
            # « un accord avec la Corée du Sud pour l'achat de chars »: the agreement's other party, and
            # the parties of the verb that governs the agreement.
            return self._agreement_parties(head) + self.governor_arguments(head, 1)
        if noun.dep_ not in ("obj", "nsubj:pass", "obl:arg", "obl:mod") or head.pos_ != "VERB":
            return []
        kind = "gov-recv:nsubj" if head.lemma_ in self.g.receiver_governors else "gov:nsubj"
        found = [Argument(a.token, kind, "") for a in self.subject_of(head) if a.rel == "nsubj"]
        if noun.dep_ == "nsubj:pass":
            # « la cession des missiles a été confirmée par Londres »: the agent of the passive is the governor's
            # subject, as in « Londres a confirmé la cession ».
            found.extend(
                Argument(a.token, kind, "")
                for a in self.direct(head)
                if a.rel == "obl:agent" or (a.rel.startswith("obl") and a.marker in self.g.agent_markers)
            )
        if noun.dep_ != "nsubj:pass" and not any(c.dep_ == "aux:pass" for c in head.children):
            # « Kiev compte sur la livraison de systèmes par ses alliés »: an active verb has no agent; the « par »
            # phrase after the noun is the noun's, hung on the verb by the parser.
            found.extend(
                Argument(a.token, "lifted", a.marker)
                for a in self.direct(head)
                if a.rel == "obl:agent" and a.marker in self.g.agent_markers and a.token.i > noun.i
            )
        # « X a annoncé un paquet d'aide pour l'Ukraine »: the parser hangs the phrase on the verb; « avec »
        # names the other party of an agreement, wherever it stands (« conclure avec X un accord pour … »).
        found.extend(
            Argument(a.token, "gov:obl", a.marker, a.contrasted)
            for a in self.direct(head)
            if (a.rel in ("obl", "obl:arg", "obl:mod") or a.marker in self.g.locutions)
            and a.marker
            and (a.token.i > noun.i or a.marker == "avec")
        )
        for agreement in head.children:
            # « signer un contrat avec les États-Unis pour l'achat d'avions »: the trigger hangs on the verb.
            if agreement.dep_ == "obj" and agreement.lemma_ in self.g.agreement_nouns and agreement.i != noun.i:
                found.extend(self._agreement_parties(agreement))
        return found

    def _agreement_parties(self, agreement: Token) -> list[Argument]:
        """The other party of an agreement: its « avec » phrase (« un accord avec la Corée du Sud »), and where
        the goods go when the parser hangs that on the agreement (« un contrat d'exportation d'obusiers vers la
        Roumanie »)."""
        return [
            Argument(a.token, "gov:obl", a.marker)
            for a in self.direct(agreement)
            if a.token.pos_ in NOMINAL and (a.marker == "avec" or a.marker in self.g.goal_words)
        ]
