// purpose: the community of one account in the serving run: its leaders first, with each
//          member's rank and score, and where the account itself stands
// params: accountId
// mode: read
// usage: :param accountId => 'a000429'
MATCH (:Account {id: $accountId})-[:MEMBER_OF]->(c:Community:Serving)
MATCH (c)<-[m:MEMBER_OF]-(member:Account)
RETURN c.id AS community, c.label AS label, member.id AS id, member.handle AS handle,
       m.leaderRank AS leader_rank, round(m.leaderScore, 4) AS leader_score,
       member.id = $accountId AS is_the_account
ORDER BY m.leaderRank
LIMIT 50
