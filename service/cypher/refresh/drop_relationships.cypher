// purpose: free the memory of a projected relationship type a refresh no longer needs
// params: graph, type
// mode: gds
CALL gds.graph.relationships.drop($graph, $type)
YIELD relationshipType
RETURN relationshipType
