/**
 * Relay documents compiled by relay-compiler (relay.config.json) into ./__generated__. Never executed: without
 * babel-plugin-relay, relay-runtime's `graphql` tag throws at runtime, so the tests import the generated
 * artifacts instead.
 */
import { graphql } from 'relay-runtime';

/** A page of a connection, spread from a @refetchable fragment on Query that holds the @connection. */
export const OperationsQuery = graphql`
  query OperationsQuery($connectionId: ID!, $count: Int!) {
    ...Operations_list @arguments(connectionId: $connectionId, count: $count)
  }
`;

/** The list: paged with the generated OperationsPaginationQuery (variables `count` and `cursor`). */
export const OperationsList = graphql`
  fragment Operations_list on Query
  @argumentDefinitions(connectionId: { type: "ID!" }, count: { type: "Int!" }, cursor: { type: "String" })
  @refetchable(queryName: "OperationsPaginationQuery") {
    connectionOperations(connectionId: $connectionId, first: $count, after: $cursor)
      @connection(key: "Operations_connectionOperations", filters: ["connectionId"]) {
      edges {
        node {
          id
          ...Operations_operation
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

/** One operation: refetched by the generated OperationRefetchQuery through `node(id:)`. */
export const OperationsOperation = graphql`
  fragment Operations_operation on ConnectionOperation @refetchable(queryName: "OperationRefetchQuery") {
    id
    operationId
    connectionId
    status
    error {
      errorCode
      message
    }
  }
`;

/**
 * A narrower first page of the same connection (same key and filters, so the same connection record): only
 * `id` and `operationId` per node. Paging on with OperationsPaginationQuery then widens the selection on the
 * later pages, as a screen that shows more than its first list does.
 */
export const OperationsNarrowQuery = graphql`
  query OperationsNarrowQuery($connectionId: ID!, $count: Int!) {
    connectionOperations(connectionId: $connectionId, first: $count) @connection(key: "Operations_connectionOperations", filters: ["connectionId"]) {
      edges {
        node {
          id
          operationId
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;
