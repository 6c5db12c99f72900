// purpose: topic counts of each account's own posts in the window (topic relevance; the
//          engagement side comes from influence/topic_engagement)
// params: since
// mode: read
MATCH (a:Account)-[:POSTED]->(p:Post)
WHERE p.topics IS NOT NULL AND ($since IS NULL OR p.at >= datetime($since))
UNWIND p.topics AS topic
RETURN a.id AS account, topic, count(*) AS n
