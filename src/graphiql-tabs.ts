/**
 * The tabs GraphiQL opens with (contract v2, ../shared/DESIGN.md section 2): one example for every query,
 * mutation and subscription, against the embedded service's sample data (connection `contosohr`). Served with the bundled,
 * offline GraphiQL. Every tab runs without errors when the tabs are run once, in order, on fresh sample data
 * (test/browser/graphiql.test.ts clicks and runs each one). The last five are Microsoft Graph's flow for a new
 * connector (section 2.1), on a connection of their own: WatchRegistration runs with the operationId that
 * RegisterSchema returned pasted into its variables (the browser test runs them so, in one window).
 * Each comment says exactly what to do and what shows, and the browser test does just that: GraphiQL stops a
 * running subscription when any other tab runs, so a watch that waits for another tab's mutation
 * (WatchOperation, for Update) runs in a second window, and the test opens one.
 * Comment lines must fit the query editor at 1400×1100 and at 1440×900, where it shows 56 characters (the
 * browser test measures every line): keep them within 55.
 */
import { encodeGlobalId } from './global-id.js';

const tab = (query: string, variables?: Record<string, unknown>) => ({
  query: query.trim() + '\n',
  ...(variables ? { variables: JSON.stringify(variables, null, 2) } : {}),
});

/** A sample operation's global id, exactly as the gateway returns it in `id` (clients never build one). */
const globalId = (operationId: string) => encodeGlobalId({ type: 'ConnectionOperation', connectionId: 'contosohr', operationId });

export const graphiqlTabs = [
  tab(
    `
# A page of a connection's operations: typed filter
# and order, Relay paging.
# \`id\` is the global, opaque id (read the object back
# with node(id:)); \`operationId\` is the OData key.
# Paging: run it, copy pageInfo.endCursor into the
# variables as "after" and run it again for the next
# page. A cursor is opaque and fits only this
# connection, filter and order.
query ListOperations($after: String) {
  connectionOperations(
    connectionId: "contosohr"
    filter: { status: { in: [FAILED, IN_PROGRESS, COMPLETED] } }
    orderBy: [{ field: STATUS, direction: DESC }, { field: OPERATION_ID }]
    first: 5
    after: $after
  ) {
    totalCount
    edges {
      cursor
      node { id operationId status error { errorCode message details { source message } } }
    }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`,
    { after: null },
  ),
  tab(
    `
# One operation by its keys, connectionId and
# operationId (the OData key); null when the upstream
# has none. Aliases are read together, in one $batch
# request upstream.
query ReadOperations {
  failed: connectionOperation(connectionId: "contosohr", operationId: "hr-op-004") {
    id operationId connectionId status etag
    error { errorCode message details { source message } }
  }
  inProgress: connectionOperation(connectionId: "contosohr", operationId: "hr-op-003") { id operationId status }
  missing: connectionOperation(connectionId: "contosohr", operationId: "no-such-operation") { id }
}`,
  ),
  tab(
    `
# External connections with their operations. The
# operations pages of all the connections on this page
# go upstream together: one $batch request per 20
# connections, not one request each.
# \`state\` is the evolvable connectionState enum: a
# member the gateway does not know reads
# UNKNOWN_FUTURE_VALUE.
query Connections($after: String) {
  externalConnections(first: 10, after: $after) {
    totalCount
    nodes {
      id connectionId name description state
      operations(first: 3, filter: { status: { in: [FAILED, IN_PROGRESS] } }) {
        totalCount
        nodes { id operationId status }
        pageInfo { hasNextPage endCursor }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`,
    { after: null },
  ),
  tab(
    `
# Global object identification: every object's \`id\`
# is global and opaque. Clients never build or parse
# one: they read it from a result, then read the object
# back by that id alone, as normalized caches do.
# 1. \`read\` reads the global id of operation hr-op-004
#    (any query that selects \`id\` returns it).
# 2. node(id:) reads the object back by that id: $id in
#    the variables holds what \`read.id\` returns.
#    nodes(ids:) reads several at once, in order; an
#    unknown or malformed id reads as null.
query NodeById($id: ID!, $ids: [ID!]!) {
  read: connectionOperation(connectionId: "contosohr", operationId: "hr-op-004") { id }
  node(id: $id) {
    __typename
    id
    ... on ConnectionOperation { connectionId operationId status }
  }
  nodes(ids: $ids) {
    id
    ... on ConnectionOperation { operationId status }
  }
}`,
    { id: globalId('hr-op-004'), ids: [globalId('hr-op-001'), globalId('hr-op-003'), 'not-an-id'] },
  ),
  tab(
    `
# Create an operation. Choosing its operationId makes
# a retry safe: a second create with it answers
# CONFLICT. Copy the etag it returns: Update takes it
# as $etag. Next: WatchOperation, then Update.
mutation Create($operationId: ID) {
  createConnectionOperation(connectionId: "contosohr", input: { operationId: $operationId, status: IN_PROGRESS }) {
    id operationId connectionId status etag
  }
}`,
    { operationId: 'example-operation' },
  ),
  tab(
    `
# Watch a long-running operation (a schema
# registration takes 5 to 15 minutes): the current
# state first, then each change of status, error or
# etag, and completion after COMPLETED or FAILED.
# GraphiQL receives it over SSE; frontends may also use
# graphql-ws over WebSocket. The gateway polls the
# upstream for you, once for all watchers with the same
# credentials, with a growing interval.
# Running any tab stops a running watch, so watch from
# a second window: open this page in a new window and
# run this tab there; it shows IN_PROGRESS. Then run
# Update in this first window: the second one shows
# FAILED at its next poll (within a minute) and ends.
subscription WatchOperation {
  connectionOperationUpdates(connectionId: "contosohr", operationId: "example-operation") {
    id operationId status etag
    error { errorCode message }
  }
}`,
  ),
  tab(
    `
# Update with optimistic concurrency: paste the etag
# you read (from Create or a query) as $etag below,
# sent as If-Match; PRECONDITION_FAILED if the
# operation changed since. With $etag null the update
# is unconditional. It sets FAILED: a watch of the
# operation (WatchOperation) shows it and ends.
mutation Update($etag: String) {
  updateConnectionOperation(
    connectionId: "contosohr"
    operationId: "example-operation"
    input: { status: FAILED, error: { errorCode: "Example", message: "Something failed", details: [{ source: "crawler", message: "timeout" }] } }
    ifMatch: $etag
  ) {
    id operationId status etag
    error { errorCode message details { source message } }
  }
}`,
    { etag: null },
  ),
  tab(
    `
# Add an operation by reference
# (POST .../operations/$ref).
mutation AddReference {
  addConnectionOperationReference(connectionId: "contosohr", input: { operationId: "example-reference", status: UNSPECIFIED }) {
    id operationId status
  }
}`,
  ),
  tab(
    `
# Delete an operation (NOT_FOUND when it does not
# exist). deletedId is the global id of the deleted
# operation: evict it from a normalized client cache.
mutation Delete {
  deleteConnectionOperation(connectionId: "contosohr", operationId: "example-operation") {
    deletedId connectionId operationId
  }
}`,
  ),
  // Microsoft Graph's flow for a new connector, one tab per step, all on the connection examplecontoso.
  tab(
    `
# Microsoft Graph's flow for a new connector, in five
# tabs, one per step: create a connection, register
# its schema, watch the operation Graph starts for it,
# read the schema back, delete the connection.
# Step 1: create the connection examplecontoso (an id
# is 3 to 32 letters and digits). Its state is DRAFT
# until a schema is registered; while it exists, a
# second create answers CONFLICT. Then RegisterSchema.
mutation CreateConnection {
  createExternalConnection(
    input: {
      connectionId: "examplecontoso"
      name: "Contoso examples"
      description: "Created from GraphiQL"
    }
  ) {
    id connectionId name state
  }
}`,
  ),
  tab(
    `
# Step 2: register the connection's schema. Graph
# answers at once with the operation it started for
# it, IN_PROGRESS: copy operation.operationId from the
# result, WatchRegistration needs it.
# A schema Graph rejects (a property both searchable
# and refinable, say) is accepted too: its operation
# then ends FAILED, with Graph's reasons.
mutation RegisterSchema {
  registerConnectionSchema(
    connectionId: "examplecontoso"
    input: {
      properties: [
        { name: "title", type: STRING, labels: [TITLE],
          isSearchable: true, isRetrievable: true }
        { name: "priority", type: INT64,
          isQueryable: true, isRefinable: true }
        { name: "tags", type: STRING_COLLECTION,
          isSearchable: true, isRetrievable: true }
      ]
    }
  ) {
    connection { connectionId state }
    operation { id operationId status }
  }
}`,
  ),
  tab(
    `
# Step 3: watch the registration. Paste the operationId
# RegisterSchema returned into the variables below, in
# place of <paste …>, and run it. It shows IN_PROGRESS,
# then COMPLETED (or FAILED, with the reasons), and
# ends: here 20 seconds after the registration, on
# Graph 5 to 15 minutes. It runs in this window:
# nothing else needs to run while it watches. Then
# ConnectionSchema.
subscription WatchRegistration(
  $connectionId: ID!
  $operationId: ID!
) {
  connectionOperationUpdates(
    connectionId: $connectionId
    operationId: $operationId
  ) {
    id operationId status
    error {
      errorCode message
      details { source message }
    }
  }
}`,
    { connectionId: 'examplecontoso', operationId: '<paste RegisterSchema operationId>' },
  ),
  tab(
    `
# Step 4: read the connection back. Once its
# registration is COMPLETED, its state is READY and
# schema is the one registered (null until then).
query ConnectionSchema {
  externalConnection(connectionId: "examplecontoso") {
    id connectionId name state
    schema {
      baseType
      properties {
        name type labels aliases
        isSearchable isQueryable
        isRetrievable isRefinable
      }
    }
  }
}`,
  ),
  tab(
    `
# Step 5: delete the connection. Graph answers with the
# operation it started for it, IN_PROGRESS; when that
# ends, the connection is gone with its schema and its
# operations, that operation included. deletedId is
# the connection's global id: evict it from a
# normalized client cache.
# To watch the deletion, paste operation.operationId
# into WatchRegistration's variables and run it: the
# watch ends with NOT_FOUND once the connection is
# gone.
mutation DeleteConnection {
  deleteExternalConnection(
    connectionId: "examplecontoso"
  ) {
    deletedId connectionId
    operation { id operationId status }
  }
}`,
  ),
];
