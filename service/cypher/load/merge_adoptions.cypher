// purpose: account ADOPTED item, keeping the earliest time seen (first adoption)
// params: rows
// mode: write
UNWIND $rows AS r
// times travel as ISO-8601 strings: packing datetime objects costs the driver more than the write
WITH r {.*, at: datetime(r.at)} AS row
MATCH (a:Account {id: row.account})
MERGE (i:Item {name: row.item})
WITH row, a, i
OPTIONAL MATCH (a)-[old:ADOPTED]->(i)
WITH row, a, i,
     CASE WHEN old IS NULL THEN 'created' WHEN row.at < old.at THEN 'updated' ELSE 'unchanged' END
       AS outcome
MERGE (a)-[r:ADOPTED]->(i)
ON CREATE SET r.at = row.at
ON MATCH SET r.at = CASE WHEN row.at < r.at THEN row.at ELSE r.at END
RETURN sum(CASE outcome WHEN 'created' THEN 1 ELSE 0 END) AS created,
       sum(CASE outcome WHEN 'updated' THEN 1 ELSE 0 END) AS updated,
       sum(CASE outcome WHEN 'unchanged' THEN 1 ELSE 0 END) AS unchanged
