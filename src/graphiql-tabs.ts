/**
 * The tabs GraphiQL opens with: one example for every query and mutation, against the embedded service's
 * sample data (connection `contosohr`). Served with the bundled, offline GraphiQL.
 */
const tab = (query: string, variables?: Record<string, unknown>) => ({
  query: query.trim() + '\n',
  ...(variables ? { variables: JSON.stringify(variables, null, 2) } : {}),
});

export const graphiqlTabs = [
  tab(
    `
# A page of a connection's operations: typed filter and order, Relay paging.
# Run it, then pass pageInfo.endCursor as $after to read the next page.
query ListOperations($after: String) {
  connectionOperations(
    connectionId: "contosohr"
    filter: { status: { in: [FAILED, IN_PROGRESS, COMPLETED] } }
    orderBy: [{ field: STATUS, direction: DESC }, { field: ID }]
    first: 5
    after: $after
  ) {
    totalCount
    nodes { id status error { errorCode message details { source message } } }
    pageInfo { hasNextPage endCursor }
  }
}`,
  ),
  tab(
    `
# One operation by key (null when the upstream has none). Aliases are batched into one $batch.
query ReadOperations {
  first: connectionOperation(connectionId: "contosohr", id: "hr-op-004") { id connectionId status etag error { errorCode message details { source message } } }
  second: connectionOperation(connectionId: "contosohr", id: "hr-op-001") { id status }
  missing: connectionOperation(connectionId: "contosohr", id: "no-such-operation") { id }
}`,
  ),
  tab(
    `
# Create an operation. Choosing the id makes a retry safe: a second create answers CONFLICT.
mutation Create($id: ID) {
  createConnectionOperation(connectionId: "contosohr", input: { id: $id, status: IN_PROGRESS }) { id status etag }
}`,
    { id: 'example-operation' },
  ),
  tab(
    `
# Update with optimistic concurrency: pass the etag you read as ifMatch (PRECONDITION_FAILED if it changed).
mutation Update($etag: String) {
  updateConnectionOperation(
    connectionId: "contosohr"
    id: "example-operation"
    input: { status: FAILED, error: { errorCode: "Example", message: "Something failed", details: [{ source: "crawler", message: "timeout" }] } }
    ifMatch: $etag
  ) { id status etag error { errorCode message details { source message } } }
}`,
    { etag: null },
  ),
  tab(
    `
# Add an operation by reference (POST .../operations/$ref).
mutation AddReference {
  addConnectionOperationReference(connectionId: "contosohr", input: { id: "example-reference", status: UNSPECIFIED }) { id status }
}`,
  ),
  tab(
    `
# Delete an operation (NOT_FOUND when it does not exist).
mutation Delete {
  deleteConnectionOperation(connectionId: "contosohr", id: "example-operation") { connectionId id }
}`,
  ),
];
