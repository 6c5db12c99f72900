// purpose: succeeded runs beyond the newest $keep (their results get deleted), excluding
//          the serving run
// params: keep
// mode: read
MATCH (r:RefreshRun {status: 'succeeded'})
WHERE r.prunedAt IS NULL
OPTIONAL MATCH (p:CurrentRun {id: 'current'})
WITH r, p ORDER BY r.createdAt DESC
WITH collect(r) AS runs, p
UNWIND runs[$keep..] AS old
WITH old, p WHERE old.id <> coalesce(p.runId, '')
RETURN old.id AS runId
