// purpose: every first adoption (account, item, time), earliest first
// params: none
// mode: read
MATCH (a:Account)-[r:ADOPTED]->(i:Item)
RETURN a.id AS account, i.name AS item, r.at.epochMillis AS at
ORDER BY r.at, a.id
