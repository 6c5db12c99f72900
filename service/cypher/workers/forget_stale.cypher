// purpose: housekeeping at worker start: forget workers not seen for a day (killed outright,
//          so they never removed their heartbeat node)
// params: none
// mode: write
MATCH (w:RefreshWorker)
WHERE w.lastSeen < datetime() - duration({days: 1})
DELETE w
