// purpose: what every read answer depends on besides the request (service/api/cache.py):
//          the serving run, the data version (bumped by every changing ingest) and the
//          cache version (bumped when kept results change without a switch: retention).
//          Read by each API process at most every CM_CACHE_TTL seconds; two single-node
//          lookups and one by unique id, so it stays cheap at any graph size
// params: none
// mode: read
OPTIONAL MATCH (p:CurrentRun {id: 'current'})
OPTIONAL MATCH (r:RefreshRun {id: p.runId})
OPTIONAL MATCH (d:DataVersion {id: 'data'})
RETURN r.id AS runId, coalesce(d.version, 0) AS dataVersion,
       coalesce(p.cacheVersion, 0) AS cacheVersion
