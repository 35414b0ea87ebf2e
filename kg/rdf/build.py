"""Articles and events -> an RDF dataset, one named graph per document, plus kgd:facts.

Every node's IRI is computed from its content, never random and never a blank
node, so the same input always gives the same graph and one document's graph
can be replaced alone in a store (the facts graph is derived from the
documents' graphs, see kg.rdf.facts). The vocabulary is only read (to find
actor concepts by Wikidata id), never copied: validation brings it in separately.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from urllib.parse import quote

from rdflib import OWL, RDF, RDFS, SKOS, XSD, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV
from rdflib.term import Node

from kg.model import Actor, Article, Event, Item, Value
from kg.rdf.facts import add_facts
from kg.rdf.namespace import (
    ACTOR,
    CAT,
    KG,
    KGD,
    MODALITY,
    PREFIXES,
    RELATION_CLASS,
    RELATION_SHORTCUT,
    WD,
)

# Actor.kind names a class of the ontology ("Country"); compared loosely so
# "international_organisation" or "country" work too.
_KIND_CLASS: dict[str, URIRef] = {
    str(cls).rsplit("#", 1)[-1].lower(): cls
    for cls in (
        KG.Country,
        KG.Organisation,
        KG.InternationalOrganisation,
        KG.ArmedGroup,
        KG.Company,
        KG.Media,
        KG.Region,
    )
}

_Triple = tuple[URIRef, URIRef, URIRef | Literal]


def build_dataset(
    articles: Sequence[Article],
    events: Sequence[Event],
    vocabulary: Graph | None = None,
) -> Dataset:
    """One named graph per document holding its document node and its events, and the facts graph.

    Args:
        articles: the source documents; each gets a kg:Document node even
            when no event came from it.
        events: the extracted events; an event whose document is not among
            `articles` still gets a (bare) document node.
        vocabulary: the actor/item vocabularies, used to map an actor's
            Wikidata id to its concept (`owl:sameAs wd:Q…`).

    Returns:
        The dataset; its graph `FACTS_GRAPH` holds one kg:Fact per claim
        across documents (`kg.rdf.facts.add_facts`).

    Raises:
        ValueError: an event has an unknown relation or modality, or a
            value that is not a finite number.
    """
    dataset = Dataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace, replace=True)
    qids = qid_index(vocabulary)
    for doc_id, article, doc_events in by_document(articles, events):
        _add_all(dataset.graph(document_iri(doc_id)), document_triples(doc_id, article, doc_events, qids))
    add_facts(dataset)
    return dataset


def by_document(
    articles: Sequence[Article], events: Iterable[Event]
) -> Iterator[tuple[str, Article | None, list[Event]]]:
    """(document id, its article or None, its events) for every article, then for documents known only
    from events, each once."""
    by_id = {article.id: article for article in articles}
    events_of: dict[str, list[Event]] = {article.id: [] for article in articles}
    for event in events:
        events_of.setdefault(event.doc, []).append(event)
    for doc_id, found in events_of.items():
        yield doc_id, by_id.get(doc_id), found


def document_graph(doc_id: str, article: Article | None, events: Iterable[Event], qids: dict[str, URIRef]) -> Graph:
    """The named graph of one document (its identifier is `document_iri(doc_id)`), as `build_dataset` makes it."""
    graph = Graph(identifier=document_iri(doc_id))
    _add_all(graph, document_triples(doc_id, article, events, qids))
    return graph


def document_triples(
    doc_id: str, article: Article | None, events: Iterable[Event], qids: dict[str, URIRef]
) -> list[_Triple]:
    """Everything one document's graph holds: its document node, its events and its event count.

    A document's graph depends on nothing else, so it can be built, kept and replaced alone.
    """
    triples = _document_triples(doc_id, article)
    # Distinct event IRIs: two rules giving the same event make one node.
    found: set[Node] = set()
    for event in events:
        more = _event_triples(event, article, qids)
        triples.extend(more)
        found.update(s for s, p, o in more if p == RDF.type and o == KG.Event)
    # On the document node, so that "documents that gave nothing" is one index lookup (kg:eventCount 0).
    triples.append((document_iri(doc_id), KG.eventCount, Literal(len(found), datatype=XSD.integer)))
    return triples


def document_iri(doc_id: str) -> URIRef:
    """The IRI of a document, also the name of its graph: `kgd:doc/<percent-encoded id>`."""
    return KGD["doc/" + _segment(doc_id)]


def event_iri(event: Event, vocabulary: Graph | None = None) -> URIRef:
    """The IRI `build_dataset` gives `event` (for callers that link to events)."""
    return KGD["event/" + _event_key(event, qid_index(vocabulary))]


# --- IRIs -------------------------------------------------------------------


def _segment(text: str) -> str:
    """Percent-encode `text` as one IRI path segment; injective, so ids never collide."""
    encoded = quote(text, safe="", errors="surrogatepass")
    # "." and ".." are dot-segments that IRI normalisation would remove.
    if encoded and set(encoded) == {"."}:
        encoded = encoded.replace(".", "%2E")
    return encoded


def _slug(text: str) -> str:
    """A readable ASCII slug; falls back to a hash for text with no letters or digits."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "h" + _digest(text)[:12]


def _digest(*parts: object) -> str:
    """SHA-1 of a JSON list: unambiguous, unlike joining strings with a separator."""
    data = json.dumps(parts, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha1(data.encode("utf-8", "surrogatepass")).hexdigest()


def qid_index(vocabulary: Graph | None) -> dict[str, URIRef]:
    """Wikidata id -> vocabulary concept; on ties an actor: concept, then the smallest IRI."""
    found: dict[str, list[URIRef]] = {}
    if vocabulary is not None:
        for predicate in (OWL.sameAs, SKOS.exactMatch):
            for subject, target in vocabulary.subject_objects(predicate):
                if isinstance(subject, URIRef) and str(target).startswith(str(WD)):
                    found.setdefault(str(target)[len(str(WD)) :], []).append(subject)
    return {
        qid: min(subjects, key=lambda s: (not str(s).startswith(str(ACTOR)), str(s))) for qid, subjects in found.items()
    }


def _actor_iri(actor: Actor, doc_id: str, qids: dict[str, URIRef]) -> URIRef:
    if actor.iri:
        return URIRef(actor.iri)
    if actor.qid:
        return qids.get(actor.qid) or KGD["actor/" + _segment(actor.qid)]
    # An unnamed party ("ses alliés") means something else in every article.
    return KGD["actor/" + _segment(doc_id) + "/" + _slug(actor.label)]


def _item_key(item: Item) -> list[str]:
    quantity = "" if item.quantity is None else str(item.quantity)
    return [item.iri or "", item.label, item.category, quantity, item.quantity_text or ""]


def _event_key(event: Event, qids: dict[str, URIRef]) -> str:
    """Hash of what tells two events apart, so events of one sentence and rule differ."""
    parts: list[object] = [
        event.doc,
        event.start,
        event.end,
        event.rule,
        event.relation,
        sorted(str(_actor_iri(a, event.doc, qids)) for a in event.suppliers),
        sorted(str(_actor_iri(a, event.doc, qids)) for a in event.recipients),
        sorted(_item_key(i) for i in event.items),
    ]
    if _known_span(event) is None:
        parts.append(event.sentence)  # offsets missing: the text tells sentences apart
    return _digest(*parts)[:16]


# --- literals ---------------------------------------------------------------


def _date_literal(text: str) -> Literal:
    """xsd:date, xsd:gYearMonth or xsd:gYear when the text is one, else a plain string."""
    value = text.strip()
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:[T ].*)?", value)
    if match:
        try:
            dt.date.fromisoformat(match.group(1))
            return Literal(match.group(1), datatype=XSD.date)
        except ValueError:
            return Literal(text)
    if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        return Literal(value, datatype=XSD.gYearMonth)
    if re.fullmatch(r"\d{4}", value):
        return Literal(value, datatype=XSD.gYear)
    return Literal(text)


def _decimal_literal(amount: float) -> Literal:
    """An xsd:decimal in plain notation (decimals have no exponent): 5.52e8 -> "552000000.0"."""
    if isinstance(amount, float) and not math.isfinite(amount):
        raise ValueError(f"not a finite amount: {amount!r}")
    return Literal(format(decimal.Decimal(str(amount)), "f"), datatype=XSD.decimal)


def _value_triples(node: URIRef, value: Value) -> list[_Triple]:
    """A stated sum: kg:value and kg:currency side by side on the event (it has at most one)."""
    return [(node, KG.value, _decimal_literal(value.amount)), (node, KG.currency, Literal(value.currency))]


def _known_span(event: Event) -> tuple[int, int] | None:
    """The sentence offsets, or None when they are missing (0, 0 from a gold-style JSONL line)."""
    if 0 <= event.start <= event.end and (event.end > event.start or not event.sentence):
        return event.start, event.end
    return None


def _sentence_span(event: Event, article: Article | None) -> tuple[int, int] | None:
    span = _known_span(event)
    if span is None and article is not None and event.sentence:
        found = article.text.find(event.sentence)
        if found >= 0:
            span = (found, found + len(event.sentence))
    return span


def _trigger_text(event: Event, article: Article | None, span: tuple[int, int] | None) -> str:
    """The trigger words; their offsets are in the document, like the sentence's."""
    words = []
    for begin, end in sorted(event.trigger):
        if article is not None and 0 <= begin < end <= len(article.text):
            words.append(article.text[begin:end])
        elif span is not None and span[0] <= begin < end <= span[1]:
            words.append(event.sentence[begin - span[0] : end - span[0]])
    return " ".join(words)


# --- triples ----------------------------------------------------------------


def _add_all(graph: Graph, triples: Iterable[_Triple]) -> None:
    for triple in triples:
        graph.add(triple)


def _document_triples(doc_id: str, article: Article | None) -> list[_Triple]:
    doc = document_iri(doc_id)
    triples: list[_Triple] = [
        (doc, RDF.type, KG.Document),
        (doc, DCTERMS.identifier, Literal(doc_id)),
    ]
    if article is not None:
        if article.date:
            triples.append((doc, KG.date, _date_literal(article.date)))
        if article.url:
            triples.append((doc, KG.url, Literal(article.url, datatype=XSD.anyURI)))
        if article.title:
            triples.append((doc, KG.title, Literal(article.title)))
    return triples


def _actor_triples(actor: Actor, iri: URIRef) -> list[_Triple]:
    """Type and label of an actor minted here; vocabulary concepts are described elsewhere."""
    if actor.iri or not str(iri).startswith(str(KGD)):
        return []
    triples: list[_Triple] = [(iri, RDF.type, KG.Actor), (iri, RDFS.label, Literal(actor.label))]
    if actor.qid:
        kind = re.sub(r"[^a-z]", "", (actor.kind or "").lower())
        if kind in _KIND_CLASS:
            triples.append((iri, RDF.type, _KIND_CLASS[kind]))
        if re.fullmatch(r"Q[1-9][0-9]*", actor.qid):
            triples.append((iri, OWL.sameAs, WD[actor.qid]))
    else:
        triples.append((iri, RDF.type, KG.UnnamedActor))
    return triples


def _item_triples(event_node: URIRef, item: Item) -> list[_Triple]:
    flow = URIRef(f"{event_node}/item/{_digest(*_item_key(item))[:8]}")
    triples: list[_Triple] = [
        (event_node, KG.itemFlow, flow),
        (flow, RDF.type, KG.ItemFlow),
        (flow, KG.label, Literal(item.label)),
        (flow, KG.category, CAT[_segment(item.category)]),
    ]
    if item.iri:
        triples.append((flow, KG.itemType, URIRef(item.iri)))
    texts = [item.quantity_text] if item.quantity_text else []
    quantity = item.quantity
    if isinstance(quantity, str) and re.fullmatch(r"\s*\d+\s*", quantity):
        quantity = int(quantity)
    if isinstance(quantity, int) and not isinstance(quantity, bool):
        triples.append((flow, KG.quantity, Literal(quantity, datatype=XSD.integer)))
    elif isinstance(quantity, str) and quantity.strip():
        texts.insert(0, quantity)
    for text in dict.fromkeys(texts):
        triples.append((flow, KG.quantityText, Literal(text)))
    return triples


def _event_triples(event: Event, article: Article | None, qids: dict[str, URIRef]) -> list[_Triple]:
    if event.relation not in RELATION_CLASS:
        raise ValueError(f"{event.doc}: unknown relation {event.relation!r} (rule {event.rule!r})")
    if event.modality not in MODALITY:
        raise ValueError(f"{event.doc}: unknown modality {event.modality!r} (rule {event.rule!r})")
    key = _event_key(event, qids)
    node = KGD["event/" + key]
    mention = KGD["mention/" + key]
    rule = KGD["rule/" + _segment(event.rule)]
    doc = document_iri(event.doc)
    span = _sentence_span(event, article)
    if span is None:
        sentence = KGD[f"sentence/{_segment(event.doc)}/text-{_digest(event.sentence)[:16]}"]
    else:
        sentence = KGD[f"sentence/{_segment(event.doc)}/{span[0]}-{span[1]}"]

    triples: list[_Triple] = [
        (node, RDF.type, KG.Event),
        (node, RDF.type, RELATION_CLASS[event.relation]),
        (node, KG.modality, MODALITY[event.modality]),
        (node, KG.implicit, Literal(bool(event.implicit))),
        (node, KG.rule, rule),
        (rule, RDF.type, KG.Rule),
        (rule, RDFS.label, Literal(event.rule)),
        (node, KG.evidence, mention),
        (node, PROV.wasDerivedFrom, mention),
        (mention, RDF.type, KG.Mention),
        (mention, KG.sentence, sentence),
        # The mention repeats the article's words: a quotation, not a primary source.
        (mention, PROV.wasQuotedFrom, doc),
        (sentence, RDF.type, KG.Sentence),
        (sentence, KG.text, Literal(event.sentence)),
        (sentence, KG.document, doc),
    ]
    if span is not None:
        triples.append((sentence, KG.start, Literal(span[0], datatype=XSD.integer)))
        triples.append((sentence, KG.end, Literal(span[1], datatype=XSD.integer)))
    trigger = _trigger_text(event, article, span)
    if trigger:
        triples.append((mention, KG.trigger, Literal(trigger)))
    date = event.date or (article.date if article is not None else None)
    if date:
        triples.append((node, KG.date, _date_literal(date)))
    if event.source:
        triples.append((node, KG.source, Literal(event.source)))
    if event.value is not None:
        try:
            triples.extend(_value_triples(node, event.value))
        except ValueError as exc:
            raise ValueError(f"{event.doc}: {exc} (rule {event.rule!r})") from None

    suppliers = [(a, _actor_iri(a, event.doc, qids)) for a in event.suppliers]
    recipients = [(a, _actor_iri(a, event.doc, qids)) for a in event.recipients]
    for predicate, actors in ((KG.supplier, suppliers), (KG.recipient, recipients)):
        for actor, iri in actors:
            triples.append((node, predicate, iri))
            triples.extend(_actor_triples(actor, iri))
    if event.modality != "negated":
        # A shortcut states the flow itself (« X supplies Y »): a denial of it makes none.
        shortcut = RELATION_SHORTCUT[event.relation]
        for _, giver in suppliers:
            for _, receiver in recipients:
                triples.append((giver, shortcut, receiver))
    for item in event.items:
        triples.extend(_item_triples(node, item))
    return triples
