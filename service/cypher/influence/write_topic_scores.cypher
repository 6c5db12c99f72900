// purpose: per-run topic scores (fit x topical pull) of the accounts with evidence about a
//          topic, with their components and evidence, keyed runId:topic:accountId
// params: rows
// mode: write
UNWIND $rows AS row
CREATE (t:TopicScore)
SET t = row
