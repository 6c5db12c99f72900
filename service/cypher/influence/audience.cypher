// purpose: audience evidence per followed account: followers who engaged with it in the
//          window, and followers who never interact with anyone (passive)
// params: since
// mode: read
MATCH (f:Account)-[:FOLLOWS]->(a:Account)
WITH a, f,
     EXISTS { (f)-[r:INTERACTED]->(a) WHERE $since IS NULL OR r.at >= datetime($since) }
       AS engaged,
     NOT EXISTS { (f)-[:INTERACTED]->() } AS passive
RETURN a.id AS id, count(f) AS followers,
       sum(CASE WHEN engaged THEN 1 ELSE 0 END) AS engaged,
       sum(CASE WHEN passive THEN 1 ELSE 0 END) AS passive
