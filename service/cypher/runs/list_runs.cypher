// purpose: refresh runs, newest first
// params: limit, offset
// mode: read
MATCH (r:RefreshRun)
OPTIONAL MATCH (p:CurrentRun {id: 'current'})
RETURN r {.*, current: r.id = p.runId} AS run
ORDER BY r.createdAt DESC
SKIP $offset LIMIT $limit
