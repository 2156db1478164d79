/**
 * A second, independent Federation v2 subgraph for the federation tests: "deployments". It knows operations
 * by their OData keys, the `@key(fields: "connectionId operationId")` of our subgraph. Its data is a pure
 * function of the keys, so tests know every answer without a store:
 * - deployment `d{n}` is named `Deployment {n}` and refers to operation `{ connectionId: "c{n%3}", operationId: "op-{n}" }`;
 * - operation `op-{n}` (in any connection) was deployed by `d{n}`; any other operationId by nobody (null).
 * It contributes `ConnectionOperation.deployedBy` (resolved through ITS `_entities`) and refers to
 * `Deployment.operation`, which a router completes through OUR `_entities` with `{ connectionId operationId }`
 * representations. (incidents-subgraph.ts refers by the other key, the global `id`.)
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { createYoga } from 'graphql-yoga';
import { parse, type GraphQLSchema } from 'graphql';
import { serve, type Served } from './http.js';

export const deploymentsSdl = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type Deployment @key(fields: "id") {
    id: ID!
    name: String!
    operation: ConnectionOperation
  }

  type ConnectionOperation @key(fields: "connectionId operationId") {
    connectionId: ID!
    operationId: ID!
    deployedBy: Deployment
  }

  type Query {
    "d0 … d{first-1}"
    deployments(first: Int!): [Deployment!]!
    deployment(id: ID!): Deployment
  }
`;

interface Deployment {
  id: string;
  name: string;
}
interface OperationReference {
  connectionId: string;
  operationId: string;
}

function deployment(n: number): Deployment {
  return { id: `d${n}`, name: `Deployment ${n}` };
}

/** `d{n}` → n, anything else → undefined. */
function deploymentNumber(id: string): number | undefined {
  const match = /^d(\d+)$/.exec(id);
  return match ? Number(match[1]) : undefined;
}

/** The operation deployment `d{n}` refers to. */
export function operationOf(n: number): OperationReference {
  return { connectionId: `c${n % 3}`, operationId: `op-${n}` };
}

export interface DeploymentsSubgraph extends Served {
  schema: GraphQLSchema;
  /** Every ConnectionOperation representation its `_entities` resolved, in order. */
  references: OperationReference[];
}

export function deploymentsSchema(references: OperationReference[] = []): GraphQLSchema {
  // Resolver signatures follow @apollo/subgraph's GraphQLResolverMap (source first); __resolveReference gets
  // the representation as its first argument.
  return buildSubgraphSchema({
    typeDefs: parse(deploymentsSdl),
    resolvers: {
      Query: {
        deployments: (_source: unknown, { first }: { first: number }) => Array.from({ length: Math.max(0, first) }, (_, n) => deployment(n)),
        deployment: (_source: unknown, { id }: { id: string }) => {
          const n = deploymentNumber(id);
          return n === undefined ? null : deployment(n);
        },
      },
      Deployment: {
        __resolveReference: (reference: { id: string }) => {
          const n = deploymentNumber(reference.id);
          return n === undefined ? null : deployment(n);
        },
        operation: (source: Deployment) => operationOf(deploymentNumber(source.id)!),
      },
      ConnectionOperation: {
        __resolveReference: (reference: OperationReference) => {
          references.push({ connectionId: reference.connectionId, operationId: reference.operationId });
          return { connectionId: reference.connectionId, operationId: reference.operationId };
        },
        deployedBy: (source: OperationReference) => {
          const match = /^op-(\d+)$/.exec(source.operationId);
          return match ? deployment(Number(match[1])) : null;
        },
      },
    },
  });
}

/** Serves the deployments subgraph with graphql-yoga on node:http at `${url}/graphql`. */
export async function startDeployments(): Promise<DeploymentsSubgraph> {
  const references: OperationReference[] = [];
  const schema = deploymentsSchema(references);
  const served = await serve(createYoga({ schema, logging: false, landingPage: false, graphiql: false }));
  return { ...served, schema, references };
}
