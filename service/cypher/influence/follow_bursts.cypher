// purpose: the most new followers each account of a batch (internal node ids) gained on any
//          one day (bought followers tend to arrive in bursts); grouped per account, one
//          row of two lists per batch (decoded far faster than a record per account)
// params: nodes
// mode: read
UNWIND $nodes AS node
MATCH (a:Account) WHERE id(a) = node
CALL (a) {
  MATCH ()-[fo:FOLLOWS]->(a)
  WHERE fo.since IS NOT NULL
  WITH fo.since.epochSeconds / 86400 AS day, count(*) AS n
  RETURN max(n) AS burst_peak
}
WITH a, burst_peak
WHERE burst_peak IS NOT NULL
RETURN collect(a.id) AS ids, collect(burst_peak) AS peaks
