// purpose: engagement events actor -[:INTERACTED {key}]-> target, deduplicated on key
//          (the client's event id, else a hash of actor, target, kind, at, post);
//          events are immutable, so a known key changes nothing. Accounts exist already
//          (load/merge_placeholders runs first in the same transaction).
// params: rows
// mode: write
UNWIND $rows AS row
OPTIONAL MATCH ()-[old:INTERACTED {key: row.key}]->()
WITH row, old
WHERE old IS NULL
MATCH (a:Account {id: row.actor})
MATCH (b:Account {id: row.target})
// properties inline (a null one is simply not set): SET r = map would force an Eager
CREATE (a)-[r:INTERACTED {key: row.key, kind: row.kind, at: datetime(row.at), topics: row.topics,
                          postId: row.postId}]->(b)
RETURN count(r) AS created
