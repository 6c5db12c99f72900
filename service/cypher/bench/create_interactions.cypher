// purpose: the write ceiling bench.ingest compares `load` with: the same prepared
//          interaction rows created as they are, with no dedupe lookup, no placeholder step
//          and no data version (the INTERACTED.key constraint stays on, so every row still
//          pays its index entry); endpoints exist
// params: rows
// mode: write
UNWIND $rows AS row
MATCH (a:Account {id: row.actor})
MATCH (b:Account {id: row.target})
CREATE (a)-[:INTERACTED {key: row.key, kind: row.kind, at: datetime(row.at), topics: row.topics,
                         postId: row.postId}]->(b)
