/**
 * The per-request budget: before any resolver runs, the operation's upstream requests and nodes are
 * estimated from the document and the request's actual (coerced) variable values (budget/estimate.ts), and
 * an operation over MAX_UPSTREAM_REQUESTS or MAX_NODES is refused as a whole with BAD_USER_INPUT (HTTP 400),
 * so no upstream request is made. The document limits (use-limits.ts) cannot do this: they see `first: $n`,
 * not n. What the upstream actually answers is bounded at run time by the upstream client.
 * Subscriptions do not go through here: their one field costs one upstream GET per poll, and each poll has a
 * budget of its own (src/subscriptions/hub.ts).
 */
import type { DocumentNode, GraphQLError, GraphQLSchema } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { createEstimator, type Estimate } from '../budget/estimate.js';
import type { GatewayConfig } from '../config.js';
import type { GatewayContext } from '../context.js';

export type BudgetConfig = Pick<GatewayConfig, 'maxUpstreamRequests' | 'maxNodes' | 'defaultPageSize' | 'batchMax' | 'batchMode'>;

/** The refusal: what was estimated against what is allowed, and what to change. */
export function budgetError(estimate: Estimate, config: BudgetConfig) {
  const over = [
    estimate.nodes > config.maxNodes ? `${estimate.nodes} nodes (at most ${config.maxNodes})` : undefined,
    estimate.upstreamRequests > config.maxUpstreamRequests ? `${estimate.upstreamRequests} upstream requests (at most ${config.maxUpstreamRequests})` : undefined,
  ].filter((part) => part !== undefined);
  return createGraphQLError(
    `This request would need up to ${over.join(' and ')}: ask for fewer nodes with \`first\`, or split the request.`,
    {
      extensions: {
        code: 'BAD_USER_INPUT',
        budget: {
          upstreamRequests: { estimated: estimate.upstreamRequests, max: config.maxUpstreamRequests },
          nodes: { estimated: estimate.nodes, max: config.maxNodes },
        },
        http: { status: 400 },
      },
    },
  );
}

/**
 * The budget check of one execution: its refusal, or undefined after telling the request's upstream
 * budget how many nodes it may expect. (The direct path calls it too: src/http/direct-execution.ts.)
 */
export type BudgetCheck = (schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: unknown, context: unknown) => GraphQLError | undefined;

export function createBudgetCheck(config: BudgetConfig): BudgetCheck {
  const estimate = createEstimator({
    defaultPageSize: config.defaultPageSize,
    // Without $batch every keyed read is a GET of its own.
    readsPerRequest: config.batchMode === 'off' ? 1 : config.batchMax,
  });
  return (schema, document, operationName, variables, context) => {
    const cost = estimate(schema, document, operationName, variables as Record<string, unknown> | null | undefined);
    if (cost === undefined) return undefined;
    if (cost.nodes > config.maxNodes || cost.upstreamRequests > config.maxUpstreamRequests) return budgetError(cost, config);
    // So that a spent byte budget can tell an upstream that sent more than asked from a request that asked a lot.
    (context as Partial<Pick<GatewayContext, 'upstream'>>).upstream?.expectNodes(cost.nodes);
    return undefined;
  };
}

export function useRequestBudget(config: BudgetConfig): Plugin {
  const check = createBudgetCheck(config);
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const refusal = check(args.schema, args.document, args.operationName, args.variableValues, args.contextValue);
      if (refusal !== undefined) setResultAndStopExecution({ errors: [refusal] });
    },
  };
}
