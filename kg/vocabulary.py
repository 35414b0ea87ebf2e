"""The actor and item vocabularies, read from the ontology's SKOS Turtle files.

The extractor's lexicons come from here and nowhere else: an analyst adds an
alias, a metonym or a demonym by editing `ontology/actors.ttl` or
`ontology/items.ttl`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import OWL, RDF, SKOS, Graph, Literal, Namespace, URIRef

from kg.errors import OntologyError

KG = Namespace("https://w3id.org/kg-arms/ontology#")
WIKIDATA = "http://www.wikidata.org/entity/"
ACTOR_CLASSES = ("Country", "InternationalOrganisation", "ArmedGroup", "Company", "Media", "Region")
# Alias properties of actors, each naming how the text refers to the actor.
ACTOR_NAME_PROPERTIES = {
    "prefLabel": SKOS.prefLabel,
    "altLabel": SKOS.altLabel,
    "metonym": KG.metonym,
    "leader": KG.leader,
    "epithet": KG.epithet,
}


@dataclass(frozen=True)
class ActorEntry:
    """One actor concept: its IRI, labels, kind and grammatical gender/number."""

    iri: str
    label: str
    label_fr: str
    kind: str
    qid: str | None
    gender: str | None = None
    number: str | None = None
    # The countries a group named as a whole stands for (« les États baltes »), in vocabulary order.
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class ItemEntry:
    """One item type: its IRI, English label and category name."""

    iri: str
    label: str
    label_fr: str
    category: str
    generic: bool


@dataclass
class Vocabulary:
    """Alias tables for actors and items, keyed by lower-cased surface form."""

    actors: dict[str, ActorEntry] = field(default_factory=dict)
    items: dict[str, ItemEntry] = field(default_factory=dict)
    actor_aliases: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    demonyms: dict[str, str] = field(default_factory=dict)
    combining_forms: dict[str, str] = field(default_factory=dict)
    item_aliases: dict[str, str] = field(default_factory=dict)
    categories: dict[str, str] = field(default_factory=dict)


def _text(graph: Graph, subject: URIRef, predicate: URIRef, lang: str | None) -> str | None:
    values = sorted(
        str(o) for o in graph.objects(subject, predicate) if isinstance(o, Literal) and (o.language == lang)
    )
    return values[0] if values else None


def _named(graph: Graph, cls: URIRef) -> list[URIRef]:
    """The IRIs typed `cls`, sorted (blank nodes are no vocabulary entries)."""
    return sorted({s for s in graph.subjects(RDF.type, cls) if isinstance(s, URIRef)})


def _local(iri: URIRef | str) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def vocabulary_graph(ontology_dir: Path) -> Graph:
    """`actors.ttl` and `items.ttl` in one rdflib graph: the extractor's aliases, and the concepts the RDF layer
    maps Wikidata ids to. Shared and read-only: callers must not add to it.

    Parsing them takes rdflib about half a second, and a build needs them twice (the extractor's lexicon, the
    RDF layer's Wikidata index), so the graph is kept per process for as long as the files are unchanged.

    Raises:
        OntologyError: a file is missing or is not Turtle.
    """
    paths = [Path(ontology_dir) / name for name in ("actors.ttl", "items.ttl")]
    stamps = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            raise OntologyError(f"{path}: vocabulary file missing") from None
        stamps.append((str(path.resolve()), stat.st_mtime_ns, stat.st_size))
    return _parsed_vocabularies(tuple(stamps))


@lru_cache(maxsize=4)
def _parsed_vocabularies(stamps: tuple[tuple[str, int, int], ...]) -> Graph:
    """The Turtle files of `stamps` (path, modification time, size) parsed into one graph."""
    graph = Graph()
    for name, _, _ in stamps:
        path = Path(name)
        if not path.is_file():
            raise OntologyError(f"{path}: vocabulary file missing")
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises many parser types; report them as one line
            raise OntologyError(f"{path}: cannot parse Turtle ({exc.__class__.__name__}: {exc})") from None
    return graph


def load_vocabulary(ontology_dir: Path) -> Vocabulary:
    """Read `actors.ttl` and `items.ttl` into alias tables for the extractor."""
    graph = vocabulary_graph(ontology_dir)
    vocab = Vocabulary()
    _load_actors(graph, vocab)
    _load_items(graph, vocab)
    if not vocab.actors or not vocab.items:
        raise OntologyError(f"{ontology_dir}: the vocabularies define no actors or no items")
    return vocab


def _load_actors(graph: Graph, vocab: Vocabulary) -> None:
    for kind in ACTOR_CLASSES:
        for concept in _named(graph, KG[kind]):
            iri = str(concept)
            qid = None
            for same in graph.objects(concept, OWL.sameAs):
                if str(same).startswith(WIKIDATA):
                    qid = str(same)[len(WIKIDATA) :]
            label = _text(graph, concept, SKOS.prefLabel, "en") or _local(iri)
            gender = graph.value(concept, KG.gender)
            number = graph.value(concept, KG.number)
            vocab.actors[iri] = ActorEntry(
                iri=iri,
                label=label,
                label_fr=_text(graph, concept, SKOS.prefLabel, "fr") or label,
                kind=kind,
                qid=qid,
                gender=str(gender) if gender else None,
                number=str(number) if number else None,
                members=tuple(sorted(str(m) for m in graph.objects(concept, KG.member))),
            )
            for how, prop in ACTOR_NAME_PROPERTIES.items():
                for alias in graph.objects(concept, prop):
                    key = str(alias).strip().lower()
                    if key:
                        vocab.actor_aliases.setdefault(key, []).append((iri, how))
            for demonym in graph.objects(concept, KG.demonym):
                vocab.demonyms.setdefault(str(demonym).strip().lower(), iri)
            for form in graph.objects(concept, KG.combiningForm):
                vocab.combining_forms.setdefault(str(form).strip().lower(), iri)


def _load_items(graph: Graph, vocab: Vocabulary) -> None:
    for category in _named(graph, KG.ItemCategory):
        vocab.categories[str(category)] = _local(category)
    for concept in _named(graph, KG.ItemType):
        iri = str(concept)
        category_iri = graph.value(concept, KG.category)
        if category_iri is None or str(category_iri) not in vocab.categories:
            raise OntologyError(f"items.ttl: {iri}: kg:category missing or not an item category")
        broader = {str(b) for b in graph.objects(concept, SKOS.broader)}
        label = _text(graph, concept, SKOS.prefLabel, "en") or _local(iri)
        vocab.items[iri] = ItemEntry(
            iri=iri,
            label=label,
            label_fr=_text(graph, concept, SKOS.prefLabel, "fr") or label,
            category=vocab.categories[str(category_iri)],
            # A type directly under its category is generic ("drone"); one under
            # another type is a named system ("Shahed") and wins over generics.
            generic=bool(broader & set(vocab.categories)) or not broader,
        )
        for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
            for alias in graph.objects(concept, prop):
                key = str(alias).strip().lower()
                if key:
                    vocab.item_aliases.setdefault(key, iri)
