/**
 * Subscription fields. `subscribe` starts (or refuses) a watch; `resolve` turns each event into the
 * field's value: a state, or the error that ends the watch, thrown here so that graphql-js reports it as the
 * field's typed error (the source stream itself never fails, which no transport would report as cleanly).
 *
 * A refusal (a bad key, a bound reached) is thrown as a GraphQLError carrying the same extensions: yoga
 * takes any other error in a result without `data` for an unexpected one and answers the SSE request with
 * HTTP 500, which an SSE client reports as a network failure instead of the typed error.
 */
import { GraphQLError } from 'graphql';
import type { GatewayContext } from '../context.js';
import { GatewayError } from '../errors.js';
import type { SubscriptionResolvers } from '../generated/graphql.js';
import type { OperationModel } from '../odata/entity.js';
import type { WatchEvent } from '../subscriptions/watch.js';
import { checkOperationKey } from './arguments.js';

export const Subscription: SubscriptionResolvers<GatewayContext> = {
  connectionOperationUpdates: {
    subscribe: (_parent, args, context) => {
      try {
        return context.watchOperation(checkOperationKey(args.connectionId, args.operationId));
      } catch (error) {
        if (error instanceof GatewayError) throw new GraphQLError(error.message, { extensions: { ...error.extensions } });
        throw error;
      }
    },
    resolve: (event: WatchEvent): OperationModel => {
      if (event instanceof Error) throw event;
      return event;
    },
  },
};
