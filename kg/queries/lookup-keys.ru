# Lookup keys of the actors, added to the store's default graph after loading the vocabularies: every label,
# alias and metonym, and the Wikidata id, in lower case; and each name once more in the form an actor
# parameter is bound in (kg.queries.actor_key): lower case, accents and ligatures spelled out (é → e, œ → oe),
# typographic apostrophes as ', hyphens and runs of spaces as one space, a leading article dropped
# (« la Russie », « l'Ukraine », « les États-Unis », "the United States"). « Coree du Nord », « la Russie »
# and « Etats-Unis » then find their actor with one index lookup, `?actor kg:lookupKey $actor`, where
# comparing a normalised form of every label at query time would scan them all and hide the actor's
# selectivity from the query planner. The table of letters here and in kg/queries/__init__.py (_FOLDED) is
# the same; tests/test_query.py checks that both give the same key for every name of the vocabulary.
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
    ?actor skos:prefLabel|skos:altLabel|kg:metonym ?name .
    BIND(LCASE(STR(?name)) AS ?lower)
    BIND(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(?lower,
      "[àáâãäåāăą]", "a"), "[çćĉċč]", "c"), "[ďđ]", "d"), "[èéêëēĕėęě]", "e"), "[ĝğġģ]", "g"), "[ĥħ]", "h"),
      "[ìíîïĩīĭįı]", "i"), "ĵ", "j"), "ķ", "k"), "[ĺļľŀł]", "l"), "[ñńņňŉ]", "n") AS ?folded1)
    BIND(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(?folded1,
      "[òóôõöøōŏő]", "o"), "[ŕŗř]", "r"), "[śŝşšș]", "s"), "[ţťŧț]", "t"), "[ùúûüũūŭůűų]", "u"), "ŵ", "w"),
      "[ýÿŷ]", "y"), "[źżž]", "z"), "œ", "oe"), "æ", "ae"), "ß", "ss") AS ?folded2)
    BIND(REPLACE(REPLACE(?folded2, "[’ʼ‘`´]", "'"), "[\\s_‐‑‒–—-]+", " ") AS ?spaced)
    BIND(REPLACE(REPLACE(?spaced, "^ +| +$", ""), "^(?:(?:le|la|les|the) |l')", "") AS ?key)
    FILTER(?key != ?lower)
  }
  UNION
  {
    ?actor owl:sameAs ?wikidata .
    FILTER(STRSTARTS(STR(?wikidata), STR(wd:)))
    BIND(LCASE(STRAFTER(STR(?wikidata), STR(wd:))) AS ?key)
  }
}
