// purpose: readiness probe: the database answers and the GDS plugin is loaded
// params: none
// mode: read
CALL dbms.components() YIELD name, versions, edition
RETURN versions[0] AS neo4j, edition, gds.version() AS gds
