// purpose: the raw engagement inside one community of the serving run: who engages whom,
//          how often and how (by kind), heaviest pairs first
// params: communityId, limit
// mode: read
// usage: :param communityId => 'c1'   and   :param limit => 25
MATCH (c:Community:Serving {id: $communityId})
MATCH (c)<-[:MEMBER_OF]-(a:Account)-[i:INTERACTED]->(b:Account)-[:MEMBER_OF]->(c)
WITH a, b, i.kind AS kind, count(*) AS n
WITH a, b, sum(n) AS interactions, collect(kind + ': ' + toString(n)) AS by_kind
RETURN a.handle AS from, b.handle AS to, interactions, by_kind
ORDER BY interactions DESC
LIMIT $limit
