// purpose: the internal node id of every account, ascending: the batches in which the
//          refresh reads per-account aggregates without grouping the whole graph at once
// params: none
// mode: read
MATCH (a:Account)
RETURN id(a) AS node
ORDER BY node
