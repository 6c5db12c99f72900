// purpose: the communities of a run (one node each, keyed runId:id); leaders, brokers
//          and score components are stored as JSON strings for one-read answers
// params: rows
// mode: write
UNWIND $rows AS row
CREATE (c:Community)
SET c = row
