# Lookup keys of the actors, added to the store's default graph after loading the vocabularies:
# every label, alias and metonym, and the Wikidata id, in lower case. Queries then find the actor a
# parameter names with one index lookup, `?actor kg:lookupKey ?key FILTER(?key = LCASE($actor))`,
# where comparing LCASE(?label) for every label would scan them all and hide the actor's selectivity
# from the query planner.
PREFIX kg: <https://w3id.org/kg-arms/ontology#>
PREFIX actor: <https://w3id.org/kg-arms/actor/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX wd: <http://www.wikidata.org/entity/>

INSERT { ?actor kg:lookupKey ?key }
WHERE {
  ?actor skos:inScheme actor:scheme .
  {
    ?actor skos:prefLabel|skos:altLabel|kg:metonym ?name .
    BIND(LCASE(STR(?name)) AS ?key)
  }
  UNION
  {
    ?actor owl:sameAs ?wikidata .
    FILTER(STRSTARTS(STR(?wikidata), STR(wd:)))
    BIND(LCASE(STRAFTER(STR(?wikidata), STR(wd:))) AS ?key)
  }
}
