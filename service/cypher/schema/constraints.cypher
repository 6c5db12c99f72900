// purpose: uniqueness of every natural id; each constraint also backs MERGE lookups with an index
// params: none
// mode: schema
CREATE CONSTRAINT account_id IF NOT EXISTS FOR (a:Account) REQUIRE a.id IS UNIQUE;
CREATE CONSTRAINT post_id IF NOT EXISTS FOR (p:Post) REQUIRE p.id IS UNIQUE;
CREATE CONSTRAINT topic_name IF NOT EXISTS FOR (t:Topic) REQUIRE t.name IS UNIQUE;
CREATE CONSTRAINT item_name IF NOT EXISTS FOR (i:Item) REQUIRE i.name IS UNIQUE;
CREATE CONSTRAINT refresh_run_id IF NOT EXISTS FOR (r:RefreshRun) REQUIRE r.id IS UNIQUE;
CREATE CONSTRAINT community_key IF NOT EXISTS FOR (c:Community) REQUIRE c.key IS UNIQUE;
CREATE CONSTRAINT interaction_key IF NOT EXISTS FOR ()-[i:INTERACTED]-() REQUIRE i.key IS UNIQUE;
CREATE CONSTRAINT refresh_lock_id IF NOT EXISTS FOR (l:RefreshLock) REQUIRE l.id IS UNIQUE;
CREATE CONSTRAINT map_level_key IF NOT EXISTS FOR (m:MapLevel) REQUIRE m.key IS UNIQUE;
CREATE CONSTRAINT account_metrics_key IF NOT EXISTS FOR (m:AccountMetrics) REQUIRE m.key IS UNIQUE;
CREATE CONSTRAINT item_adoption_key IF NOT EXISTS FOR (i:ItemAdoption) REQUIRE i.key IS UNIQUE;
CREATE CONSTRAINT seed_set_key IF NOT EXISTS FOR (s:SeedSet) REQUIRE s.key IS UNIQUE;
