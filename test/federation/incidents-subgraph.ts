/**
 * A third, independent Federation v2 subgraph for the federation tests: "incidents". Unlike deployments, it
 * knows an operation only by its global `id`, the opaque string our gateway handed out (the
 * `@key(fields: "id")` of our subgraph): it stores it and never looks inside. So a router completes
 * `Incident.operation` through OUR `_entities` with `{ __typename, id }` representations.
 *
 * Its data is a pure function of the incident number, so tests know every answer without a store:
 * incident `i{n}` is titled `Incident {n}` and is about the operation whose global id is `operationIdOf(n)`,
 * which tests fix up front (see {@link startIncidents}).
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { createYoga } from 'graphql-yoga';
import { parse, type GraphQLSchema } from 'graphql';
import { serve, type Served } from './http.js';

export const incidentsSdl = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type Incident @key(fields: "id") {
    id: ID!
    title: String!
    operation: ConnectionOperation
  }

  # Known here by its global id only; every other field comes from the operations subgraph. (A comment, not a
  # description: a description different from our subgraph's would be a composition hint.)
  type ConnectionOperation @key(fields: "id", resolvable: false) {
    id: ID!
  }

  type Query {
    "i0 … i{first-1}"
    incidents(first: Int!): [Incident!]!
    incident(id: ID!): Incident
  }
`;

interface Incident {
  id: string;
  title: string;
}

function incident(n: number): Incident {
  return { id: `i${n}`, title: `Incident ${n}` };
}

function incidentNumber(id: string): number | undefined {
  const match = /^i(\d+)$/.exec(id);
  return match ? Number(match[1]) : undefined;
}

export interface IncidentsSubgraph extends Served {
  schema: GraphQLSchema;
}

/** `operationIdOf(n)`: the global id incident `i{n}` stored for its operation (any string: it is opaque here). */
export function incidentsSchema(operationIdOf: (n: number) => string): GraphQLSchema {
  return buildSubgraphSchema({
    typeDefs: parse(incidentsSdl),
    resolvers: {
      Query: {
        incidents: (_source: unknown, { first }: { first: number }) => Array.from({ length: Math.max(0, first) }, (_, n) => incident(n)),
        incident: (_source: unknown, { id }: { id: string }) => {
          const n = incidentNumber(id);
          return n === undefined ? null : incident(n);
        },
      },
      Incident: {
        __resolveReference: (reference: { id: string }) => {
          const n = incidentNumber(reference.id);
          return n === undefined ? null : incident(n);
        },
        operation: (source: Incident) => ({ id: operationIdOf(incidentNumber(source.id)!) }),
      },
    },
  });
}

/** Serves the incidents subgraph with graphql-yoga on node:http at `${url}/graphql`. */
export async function startIncidents(operationIdOf: (n: number) => string): Promise<IncidentsSubgraph> {
  const schema = incidentsSchema(operationIdOf);
  const served = await serve(createYoga({ schema, logging: false, landingPage: false, graphiql: false }));
  return { ...served, schema };
}
