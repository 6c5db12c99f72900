// purpose: each call-to-action post in the window and the distinct accounts that responded
//          to it (an interaction with that post) within the response window
// params: since, hours
// mode: read
MATCH (author:Account)-[:POSTED]->(p:Post {callToAction: true})
WHERE $since IS NULL OR p.at >= datetime($since)
OPTIONAL MATCH (x:Account)-[i:INTERACTED]->(author)
WHERE i.postId = p.id AND i.at >= p.at AND i.at <= p.at + duration({hours: $hours})
RETURN author.id AS author, p.id AS post, collect(DISTINCT x.id) AS responders
