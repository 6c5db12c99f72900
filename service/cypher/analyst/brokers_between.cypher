// purpose: accounts whose engagement bridges two communities of the serving run: members
//          of either one that engage with (or are engaged by) members of the other,
//          ranked by the engagement crossing
// params: communityA, communityB
// mode: read
// usage: :param communityA => 'c1'   and   :param communityB => 'c2'
MATCH (ca:Community:Serving {id: $communityA})
MATCH (cb:Community:Serving {id: $communityB})
MATCH (x:Account)-[:MEMBER_OF]->(home)
WHERE home IN [ca, cb]
MATCH (x)-[i:INTERACTED]-(y:Account)-[:MEMBER_OF]->(other)
WHERE other IN [ca, cb] AND other <> home
RETURN x.id AS id, x.handle AS handle, home.id AS home_community,
       count(i) AS crossing_interactions, count(DISTINCT y) AS accounts_reached
ORDER BY crossing_interactions DESC
LIMIT 25
