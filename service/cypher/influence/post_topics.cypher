// purpose: topic counts of a batch of accounts' own posts in the window (topic relevance;
//          the engagement side comes with the pair list, refresh/engagement_out, or from
//          influence/topic_engagement): one row per batch with parallel lists (account,
//          topic, posts), which cost the client far less to decode than a record each
// params: nodes, since
// mode: read
UNWIND $nodes AS node
MATCH (a:Account)-[:POSTED]->(p:Post)
WHERE id(a) = node AND p.topics IS NOT NULL AND ($since IS NULL OR p.at >= datetime($since))
UNWIND p.topics AS topic
WITH a.id AS account, topic, count(*) AS n
RETURN collect(account) AS accounts, collect(topic) AS topics, collect(n) AS posts
