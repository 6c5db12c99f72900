// purpose: memberships of a batch of accounts with their leader scores, grouped by community
//          (each community looked up once); accounts by internal node id as the refresh read
//          them (checked against their account id, in case one was deleted meanwhile)
// params: groups, runId
// mode: write
UNWIND $groups AS g
MATCH (c:Community {key: g.key})
UNWIND g.rows AS row
MATCH (a:Account) WHERE id(a) = row.node AND a.id = row.account
CREATE (a)-[:MEMBER_OF {runId: $runId, leaderScore: row.leaderScore,
                        leaderRank: row.leaderRank, influence: row.influence,
                        communityShare: row.communityShare, reach: row.reach,
                        pagerank: row.pagerank, participation: row.participation}]->(c)
