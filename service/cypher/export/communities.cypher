// purpose: every community of a run with what drawing it needs: rank (its colour), size,
//          label and brokers (JSON), largest first
// params: runId
// mode: read
MATCH (c:Community {runId: $runId})
RETURN c.id AS id, c.rank AS rank, c.size AS size, c.label AS label, c.brokers AS brokers
ORDER BY c.rank
