// purpose: the internal node id of every account, ascending, as one list (8 bytes per
//          account, decoded far faster than a record each): the batches in which the
//          refresh reads per-account aggregates without grouping the whole graph at once
// params: none
// mode: read
MATCH (a:Account)
WITH id(a) AS node ORDER BY node
RETURN collect(node) AS nodes
