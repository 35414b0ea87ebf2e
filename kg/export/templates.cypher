// The Cypher statements of the Neo4j export, one per block: `// name: <name>` then the statement.
// Placeholders in braces are filled by kg/export/cypher.py with names from the export's own model (labels,
// relationship types, property keys, never data); `{rows}` becomes the parameter `$rows` (Bolt push) or a
// literal list of maps (import.cypher); `{props}` a map of conversions of CSV columns (load-csv.cypher);
// `{typed}` sets each date property from the row's ISO text (`, n.date = date(row.props.date)`), or nothing.
// Every write is a MERGE on a node's IRI (or a relationship's ends and key), so running a script twice
// changes nothing.

// name: constraint-neo4j
// Neo4j 5 syntax; the uniqueness constraint also gives MERGE its index. (FalkorDB has no such statement: an
// exact-match index, CREATE INDEX FOR (n:Label) ON (n.iri), then the Redis command GRAPH.CONSTRAINT CREATE.)
CREATE CONSTRAINT {constraint} IF NOT EXISTS FOR (n:{label}) REQUIRE n.iri IS UNIQUE

// name: merge-nodes
UNWIND {rows} AS row
MERGE (n:{label} {iri: row.iri})
SET n += row.props{typed}

// name: merge-relationships
UNWIND {rows} AS row
MATCH (a:{start} {iri: row.start})
MATCH (b:{end} {iri: row.end})
MERGE (a)-[r:{type}]->(b)
SET r += row.props{typed}

// name: merge-keyed-relationships
// Several relationships of this type may join the same two nodes (two flows of one item in one event):
// the key property tells them apart.
UNWIND {rows} AS row
MATCH (a:{start} {iri: row.start})
MATCH (b:{end} {iri: row.end})
MERGE (a)-[r:{type} {{key}: row.key}]->(b)
SET r += row.props{typed}

// name: load-nodes
LOAD CSV WITH HEADERS FROM '{url}' AS row
MERGE (n:{label} {iri: row['{id}']})
SET n += {props}

// name: load-relationships
LOAD CSV WITH HEADERS FROM '{url}' AS row
MATCH (a:{start} {iri: row['{start_id}']})
MATCH (b:{end} {iri: row['{end_id}']})
MERGE (a)-[r:{type}]->(b)
SET r += {props}

// name: load-keyed-relationships
LOAD CSV WITH HEADERS FROM '{url}' AS row
MATCH (a:{start} {iri: row['{start_id}']})
MATCH (b:{end} {iri: row['{end_id}']})
MERGE (a)-[r:{type} {{key}: row['{key_column}']}]->(b)
SET r += {props}
