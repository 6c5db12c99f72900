// purpose: engagement events actor -[:INTERACTED {key}]-> target, deduplicated on key
//          (the client's event id, else a hash of actor, target, kind, at, post);
//          events are immutable, so a known key changes nothing. Unknown accounts become
//          placeholders here, for every row (a known key too), as load/merge_placeholders
//          does for the other entities: one lookup per endpoint instead of two, so the only
//          nodes this query creates are placeholders (the caller counts them).
// params: rows
// mode: write
UNWIND $rows AS row
OPTIONAL MATCH ()-[old:INTERACTED {key: row.key}]->()
MERGE (a:Account {id: row.actor})
ON CREATE SET a.placeholder = true
MERGE (b:Account {id: row.target})
ON CREATE SET b.placeholder = true
WITH row, old, a, b
WHERE old IS NULL
// properties inline (a null one is simply not set): SET r = map would force an Eager
CREATE (a)-[r:INTERACTED {key: row.key, kind: row.kind, at: datetime(row.at), topics: row.topics,
                          postId: row.postId}]->(b)
RETURN count(r) AS created
