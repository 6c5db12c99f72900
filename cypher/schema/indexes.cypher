// purpose: secondary indexes for refresh windows, mobilisation counts and read filters
// params: none
// mode: schema
CREATE INDEX account_handle IF NOT EXISTS FOR (a:Account) ON (a.handle);
CREATE INDEX interaction_at IF NOT EXISTS FOR ()-[i:INTERACTED]-() ON (i.at);
CREATE INDEX interaction_post IF NOT EXISTS FOR ()-[i:INTERACTED]-() ON (i.postId);
CREATE INDEX community_run IF NOT EXISTS FOR (c:Community) ON (c.runId);
CREATE INDEX refresh_run_started IF NOT EXISTS FOR (r:RefreshRun) ON (r.startedAt);
