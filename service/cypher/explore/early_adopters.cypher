// purpose: every item's early-adopter leaders in a run (JSON lists; the caller keeps one
//          community's: items are few and their lists short)
// params: runId
// mode: read
MATCH (i:ItemAdoption {runId: $runId})
RETURN i.item AS item, i.earlyAdopterLeaders AS leaders
ORDER BY item
