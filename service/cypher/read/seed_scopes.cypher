// purpose: the seed-set scopes of a run that start with a prefix (e.g. the topics)
// params: runId, prefix
// mode: read
MATCH (s:SeedSet {runId: $runId})
WHERE s.scope STARTS WITH $prefix
RETURN s.scope AS scope
ORDER BY scope
