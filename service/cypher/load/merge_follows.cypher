// purpose: follower FOLLOWS followee (accounts exist: load/merge_placeholders runs first);
//          a later 'since' replaces the stored one
// params: rows
// mode: write
UNWIND $rows AS r
// times travel as ISO-8601 strings: packing datetime objects costs the driver more than the write
WITH r {.*, since: datetime(r.since)} AS row
MATCH (a:Account {id: row.follower})
MATCH (b:Account {id: row.followee})
WITH row, a, b
OPTIONAL MATCH (a)-[old:FOLLOWS]->(b)
WITH row, a, b,
     CASE
       WHEN old IS NULL THEN 'created'
       WHEN row.since IS NOT NULL AND (old.since IS NULL OR old.since <> row.since) THEN 'updated'
       ELSE 'unchanged'
     END AS outcome
MERGE (a)-[f:FOLLOWS]->(b)
SET f.since = coalesce(row.since, f.since)
RETURN sum(CASE outcome WHEN 'created' THEN 1 ELSE 0 END) AS created,
       sum(CASE outcome WHEN 'updated' THEN 1 ELSE 0 END) AS updated,
       sum(CASE outcome WHEN 'unchanged' THEN 1 ELSE 0 END) AS unchanged
