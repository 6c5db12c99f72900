// purpose: a run's community nodes, key, run id and id only, created before its
//          memberships are written (refresh/write_communities sets the rest)
// params: rows
// mode: write
UNWIND $rows AS row
CREATE (:Community {key: row.key, runId: row.runId, id: row.id})
