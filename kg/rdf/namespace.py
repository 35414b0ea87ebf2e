"""IRIs of the kg schema and of the data, in one place.

`KG` is closed (`_fail = True`) so a typo in a term raises instead of minting
an IRI the ontology does not declare; a test keeps it in step with
`ontology/kg.ttl`.
"""

from __future__ import annotations

from rdflib import OWL, RDF, RDFS, SKOS, XSD, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, DefinedNamespace

ONTOLOGY_IRI = "https://w3id.org/kg-arms/ontology"
WD = Namespace("http://www.wikidata.org/entity/")
ACTOR = Namespace("https://w3id.org/kg-arms/actor/")
ITEM = Namespace("https://w3id.org/kg-arms/item/")
CAT = Namespace("https://w3id.org/kg-arms/category/")
KGD = Namespace("https://w3id.org/kg-arms/data/")
# The named graph of kg:Fact nodes, beside the per-document graphs kgd:doc/<id>.
FACTS_GRAPH = KGD["facts"]
# The named graph of summaries (kg:EdgeSummary…), apart so that a scan of kg:sourceCount in kgd:facts meets facts only.
SUMMARIES_GRAPH = KGD["summaries"]


class KG(DefinedNamespace):
    """The terms of ontology/kg.ttl, and nothing else."""

    _NS = Namespace(ONTOLOGY_IRI + "#")
    _fail = True

    # Actors
    Actor: URIRef
    Country: URIRef
    Organisation: URIRef
    InternationalOrganisation: URIRef
    ArmedGroup: URIRef
    Company: URIRef
    Media: URIRef
    Region: URIRef
    UnnamedActor: URIRef

    # Items
    ItemCategory: URIRef
    ItemType: URIRef
    ItemFlow: URIRef

    # Claims: events (one sentence) and facts (across documents)
    Claim: URIRef
    Event: URIRef
    Supply: URIRef
    Purchase: URIRef
    Production: URIRef
    Use: URIRef
    Request: URIRef
    Fact: URIRef
    Modality: URIRef
    asserted: URIRef
    reported: URIRef
    hypothetical: URIRef
    planned: URIRef
    negated: URIRef

    # Provenance
    Mention: URIRef
    Sentence: URIRef
    Document: URIRef
    Rule: URIRef

    # Event properties
    supplier: URIRef
    recipient: URIRef
    itemFlow: URIRef
    modality: URIRef
    implicit: URIRef
    rule: URIRef
    source: URIRef
    evidence: URIRef
    date: URIRef
    value: URIRef

    # Fact and summary properties
    sourceCount: URIRef
    mentionCount: URIRef
    firstDate: URIRef
    lastDate: URIRef
    contradictedBy: URIRef
    eventCount: URIRef
    factCount: URIRef
    relation: URIRef
    byModality: URIRef

    # Summaries (kgd:summaries): counts per edge, actor and item, computed at build time
    Summary: URIRef
    EdgeSummary: URIRef
    SupplierSummary: URIRef
    RecipientSummary: URIRef
    ReceiptSummary: URIRef
    OutflowSummary: URIRef
    ModalityTally: URIRef

    # Item-flow properties
    itemType: URIRef
    category: URIRef
    quantity: URIRef
    quantityText: URIRef
    label: URIRef
    amount: URIRef
    currency: URIRef

    # Mention, sentence and document properties
    sentence: URIRef
    trigger: URIRef
    text: URIRef
    start: URIRef
    end: URIRef
    document: URIRef
    url: URIRef
    title: URIRef

    # Actor-to-actor shortcuts, supplier -> recipient
    flowsTo: URIRef
    supplies: URIRef
    sellsTo: URIRef
    producesFor: URIRef
    originOfItemsUsedBy: URIRef
    requestedBy: URIRef

    # Vocabulary properties
    lookupKey: URIRef
    metonym: URIRef
    epithet: URIRef
    leader: URIRef
    demonym: URIRef
    combiningForm: URIRef
    member: URIRef
    gender: URIRef
    number: URIRef


# The class (of events and facts alike) and the actor-to-actor shortcut of each relation of kg.model.RELATIONS.
RELATION_CLASS: dict[str, URIRef] = {
    "supply": KG.Supply,
    "purchase": KG.Purchase,
    "produce": KG.Production,
    "use": KG.Use,
    "request": KG.Request,
}
RELATION_SHORTCUT: dict[str, URIRef] = {
    "supply": KG.supplies,
    "purchase": KG.sellsTo,
    "produce": KG.producesFor,
    "use": KG.originOfItemsUsedBy,
    "request": KG.requestedBy,
}
MODALITY: dict[str, URIRef] = {
    "asserted": KG.asserted,
    "reported": KG.reported,
    "hypothetical": KG.hypothetical,
    "planned": KG.planned,
    "negated": KG.negated,
}

# The prefixes written in TriG and bound on built datasets.
PREFIXES: dict[str, str] = {
    "actor": str(ACTOR),
    "cat": str(CAT),
    "dcterms": str(DCTERMS),
    "item": str(ITEM),
    "kg": str(KG),
    "kgd": str(KGD),
    "owl": str(OWL),
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "skos": str(SKOS),
    "wd": str(WD),
    "xsd": str(XSD),
}
