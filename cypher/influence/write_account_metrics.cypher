// purpose: per-run account metrics (engagement rate, audience quality, mobilisation, topic
//          affinity, adopter categories, influencer score), keyed runId:accountId
// params: rows
// mode: write
UNWIND $rows AS row
CREATE (m:AccountMetrics)
SET m = row
