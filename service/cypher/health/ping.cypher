// purpose: readiness probe of the main server when GDS runs on its own server (CM_GDS_URI):
//          the database answers (GDS is asked of the GDS server with health/ready)
// params: none
// mode: read
CALL dbms.components() YIELD name, versions, edition
RETURN versions[0] AS neo4j, edition
