/**
 * What one GraphQL request may spend upstream, counted as it is spent: requests (every attempt, retries and
 * nextLinks included) and response bytes (all bodies together), and, for the request log, the time its
 * attempts took. The estimate checked before execution
 * (src/budget) refuses what is certain to exceed; this bounds what only shows at run time: an upstream
 * that pages in small pieces, retries, or answers far more than was asked.
 */
import { badUserInput } from '../errors.js';
import { UpstreamError } from './errors.js';

export interface BudgetLimits {
  maxUpstreamRequests: number;
  maxResponseBytes: number;
}

/**
 * Bytes one node may take in an upstream answer before the upstream, rather than the request, is to blame
 * for a spent byte budget. A connectionOperation as Graph sends one is about a kilobyte; this leaves room for
 * rich errors.
 */
export const NODE_BYTES_ALLOWANCE = 64 * 1024;

export class CallBudget {
  private requests = 0;
  private bytes = 0;
  private milliseconds = 0;
  /** Nodes the request asked for, from its estimate (budget/estimate.ts); unknown until told. */
  private nodesAsked = Number.POSITIVE_INFINITY;

  constructor(private readonly limits: BudgetLimits) {}

  /** Tells the budget how many nodes the request asked for (its estimate, checked before execution). */
  expectNodes(nodes: number): void {
    this.nodesAsked = nodes;
  }

  /** Counts one upstream request about to be sent; throws BAD_USER_INPUT when none is left. */
  spendRequest(): void {
    if (this.requests >= this.limits.maxUpstreamRequests) {
      throw badUserInput(
        `This request needs more than ${this.limits.maxUpstreamRequests} upstream requests (MAX_UPSTREAM_REQUESTS): ask for fewer nodes or split it.`,
      );
    }
    this.requests++;
  }

  /** Response bytes this request may still read. */
  get bytesLeft(): number {
    return this.limits.maxResponseBytes - this.bytes;
  }

  spendBytes(count: number): void {
    this.bytes += count;
  }

  /**
   * The error for a response that would take the request past its byte budget: the request's fault
   * (BAD_USER_INPUT) when it asked for more nodes than the budget holds at {@link NODE_BYTES_ALLOWANCE} each,
   * else the upstream's (UPSTREAM_ERROR): it sent far more than was asked, e.g. a page size of its own.
   */
  bytesExceeded(): Error {
    if (this.nodesAsked * NODE_BYTES_ALLOWANCE <= this.limits.maxResponseBytes) {
      return new UpstreamError(
        { code: 'UPSTREAM_ERROR' },
        `The upstream answered far more than this request asked for (at most ${this.nodesAsked} nodes): its answers passed ${this.limits.maxResponseBytes} bytes (MAX_RESPONSE_BYTES).`,
      );
    }
    return badUserInput(
      `The upstream answers to this request exceed ${this.limits.maxResponseBytes} bytes (MAX_RESPONSE_BYTES): ask for fewer nodes or split it.`,
    );
  }

  get requestsMade(): number {
    return this.requests;
  }

  /** Adds the duration of one upstream attempt (its wait for a connection included). */
  spendTime(milliseconds: number): void {
    this.milliseconds += milliseconds;
  }

  /**
   * Time spent on upstream attempts, summed: attempts in flight together each count, so this can exceed
   * the request's own duration (it says how much upstream work the request caused, not how long it waited).
   */
  get upstreamMs(): number {
    return this.milliseconds;
  }
}
