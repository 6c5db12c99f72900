// purpose: per-run results whose stored JSON may name an account: seed sets, community
//          leaders and brokers, early adopters of items. $needle is the JSON-encoded id, a
//          substring prefilter only: the caller parses each candidate and checks exactly.
// params: needle
// mode: read
MATCH (s:SeedSet)
WHERE s.seeds CONTAINS $needle OR s.topFollowers CONTAINS $needle
   OR s.topPagerank CONTAINS $needle
RETURN 'SeedSet' AS label, s.key AS key, s.runId AS runId,
       s {.seeds, .topFollowers, .topPagerank} AS json
UNION ALL
MATCH (c:Community)
WHERE c.leaders CONTAINS $needle OR c.brokers CONTAINS $needle
RETURN 'Community' AS label, c.key AS key, c.runId AS runId,
       c {.id, .label, .leaders, .brokers} AS json
UNION ALL
MATCH (i:ItemAdoption)
WHERE i.earlyAdopterLeaders CONTAINS $needle
RETURN 'ItemAdoption' AS label, i.key AS key, i.runId AS runId,
       i {.earlyAdopterLeaders} AS json
