// purpose: posts with their author (who exists: load/merge_placeholders runs first) and
//          topics; a changed post
//          replaces its topics and author
// params: rows
// mode: write
UNWIND $rows AS r
// times travel as ISO-8601 strings: packing datetime objects costs the driver more than the write
WITH r {.*, at: datetime(r.at)} AS row
MATCH (author:Account {id: row.author})
WITH row, author
OPTIONAL MATCH (old:Post {id: row.id})
OPTIONAL MATCH (prev:Account)-[:POSTED]->(old)
WITH row, author,
     CASE
       WHEN old IS NULL THEN 'created'
       WHEN prev IS NULL OR prev <> author OR old.at <> row.at
         OR coalesce(old.topics, []) <> coalesce(row.topics, [])
         OR old.callToAction <> row.callToAction THEN 'updated'
       ELSE 'unchanged'
     END AS outcome
MERGE (p:Post {id: row.id})
SET p.at = row.at, p.topics = row.topics, p.callToAction = row.callToAction
MERGE (author)-[:POSTED]->(p)
WITH row, author, p, outcome
CALL (row, author, p, outcome) {
  WITH row, author, p, outcome WHERE outcome = 'updated'
  OPTIONAL MATCH (other:Account)-[x:POSTED]->(p) WHERE other <> author
  DELETE x
  WITH DISTINCT row, p
  OPTIONAL MATCH (p)-[y:TAGGED]->(t:Topic) WHERE NOT t.name IN coalesce(row.topics, [])
  DELETE y
}
CALL (row, p) {
  UNWIND coalesce(row.topics, []) AS name
  MERGE (t:Topic {name: name})
  MERGE (p)-[:TAGGED]->(t)
}
RETURN sum(CASE outcome WHEN 'created' THEN 1 ELSE 0 END) AS created,
       sum(CASE outcome WHEN 'updated' THEN 1 ELSE 0 END) AS updated,
       sum(CASE outcome WHEN 'unchanged' THEN 1 ELSE 0 END) AS unchanged
