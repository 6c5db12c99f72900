// purpose: create accounts or fill in their profiles (a placeholder becomes a full account);
//          rows hold only the properties the client sent, in props (camelCase)
// params: rows
// mode: write
UNWIND $rows AS row
OPTIONAL MATCH (old:Account {id: row.id})
WITH row,
     CASE
       WHEN old IS NULL THEN 'created'
       WHEN coalesce(old.placeholder, false)
         OR any(k IN keys(row.props) WHERE old[k] IS NULL OR old[k] <> row.props[k]) THEN 'updated'
       ELSE 'unchanged'
     END AS outcome
MERGE (a:Account {id: row.id})
SET a += row.props, a.placeholder = false
RETURN sum(CASE outcome WHEN 'created' THEN 1 ELSE 0 END) AS created,
       sum(CASE outcome WHEN 'updated' THEN 1 ELSE 0 END) AS updated,
       sum(CASE outcome WHEN 'unchanged' THEN 1 ELSE 0 END) AS unchanged
