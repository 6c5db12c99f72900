// purpose: the most new followers an account gained on any one day (bought followers
//          tend to arrive in bursts)
// params: none
// mode: read
MATCH ()-[fo:FOLLOWS]->(a:Account)
WHERE fo.since IS NOT NULL
WITH a, fo.since.epochSeconds / 86400 AS day, count(*) AS n
RETURN a.id AS id, max(n) AS burst_peak
