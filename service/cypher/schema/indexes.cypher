// purpose: secondary indexes for read filters. No index on INTERACTED.at / .postId: refresh
//          scans every interaction anyway, and each relationship index costs ~10% of
//          ingest throughput (bench/RESULTS.md)
// params: none
// mode: schema
CREATE INDEX account_handle IF NOT EXISTS FOR (a:Account) ON (a.handle);
CREATE INDEX community_run IF NOT EXISTS FOR (c:Community) ON (c.runId);
CREATE INDEX refresh_run_started IF NOT EXISTS FOR (r:RefreshRun) ON (r.startedAt);
CREATE INDEX member_of_run IF NOT EXISTS FOR ()-[m:MEMBER_OF]-() ON (m.runId);
CREATE INDEX map_level_run IF NOT EXISTS FOR (m:MapLevel) ON (m.runId);
CREATE INDEX account_metrics_run IF NOT EXISTS FOR (m:AccountMetrics) ON (m.runId);
CREATE INDEX account_metrics_ranking IF NOT EXISTS FOR (m:AccountMetrics) ON (m.runId, m.influencerScore);
CREATE INDEX topic_score_ranking IF NOT EXISTS FOR (t:TopicScore) ON (t.runId, t.topic, t.score);
CREATE INDEX item_adoption_run IF NOT EXISTS FOR (i:ItemAdoption) ON (i.runId);
CREATE INDEX seed_set_run IF NOT EXISTS FOR (s:SeedSet) ON (s.runId);
