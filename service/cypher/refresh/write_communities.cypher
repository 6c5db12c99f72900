// purpose: the communities of a run (one node each, keyed runId:id, created by
//          refresh/create_communities): every property set; leaders, brokers and score
//          components are stored as JSON strings for one-read answers
// params: rows
// mode: write
UNWIND $rows AS row
MATCH (c:Community {key: row.key})
SET c = row
