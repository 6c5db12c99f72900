// purpose: per-run results whose stored JSON may name an account: seed sets, community
//          leaders and brokers, early adopters of items. $needles are the JSON-encoded id (each
//          encoding stored results use), a substring prefilter only: the caller parses each
//          candidate and checks exactly.
// params: needles
// mode: read
MATCH (s:SeedSet)
WHERE any(n IN $needles WHERE s.seeds CONTAINS n OR s.topFollowers CONTAINS n
                             OR s.topPagerank CONTAINS n)
RETURN 'SeedSet' AS label, s.key AS key, s.runId AS runId,
       s {.seeds, .topFollowers, .topPagerank} AS json
UNION ALL
MATCH (c:Community)
WHERE any(n IN $needles WHERE c.leaders CONTAINS n OR c.brokers CONTAINS n)
RETURN 'Community' AS label, c.key AS key, c.runId AS runId,
       c {.id, .label, .leaders, .brokers} AS json
UNION ALL
MATCH (i:ItemAdoption)
WHERE any(n IN $needles WHERE i.earlyAdopterLeaders CONTAINS n)
RETURN 'ItemAdoption' AS label, i.key AS key, i.runId AS runId,
       i {.earlyAdopterLeaders} AS json
