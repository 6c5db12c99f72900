// purpose: per-run account metrics (influencer score, each component with its evidence,
//          responders, audience, mobilisation, topic fit and best topics, adopter
//          categories), keyed runId:accountId
// params: rows
// mode: write
UNWIND $rows AS row
CREATE (m:AccountMetrics)
SET m = row
