// purpose: the largest communities of the serving run, each with its top leaders and
//          the components of their score (influence, community share, reach)
// params: limit
// mode: read
// usage: in Neo4j Browser run   :param limit => 5   then paste the query below
MATCH (c:Community:Serving)
WITH c ORDER BY c.size DESC LIMIT $limit
MATCH (c)<-[m:MEMBER_OF]-(a:Account)
WHERE m.leaderRank <= 3
WITH c, a, m ORDER BY c.size DESC, m.leaderRank
RETURN c.id AS community, c.size AS size, c.label AS label,
       collect(a.handle + ' (score ' + toString(round(m.leaderScore, 3)) +
               ', influence ' + toString(round(m.influence, 2)) +
               ', share ' + toString(round(m.communityShare, 2)) +
               ', reach ' + toString(round(m.reach, 2)) + ')') AS leaders
