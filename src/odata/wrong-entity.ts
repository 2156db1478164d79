/**
 * The log event for an answer about another entity than the one asked for (another key, a context naming
 * another connection, a `$batch` part answered twice): one line per read, with every upstream-chosen string
 * cut to a bounded length. Operations and connections report it alike.
 */
import { UpstreamError } from './errors.js';

export interface WrongEntityEvent {
  connectionId: string;
  /** The key asked for; undefined for a page. */
  asked: string | undefined;
  /** The key answered (truncated); undefined when the answer carried none or was a page. */
  received: string | undefined;
  /** How the mismatch showed. */
  kind: 'key' | 'connection' | 'duplicated part';
}

/** Longest upstream-chosen string copied into a log line. */
const LOGGED_VALUE_MAX = 200;

function truncated(value: string): string {
  return value.length <= LOGGED_VALUE_MAX ? value : `${value.slice(0, LOGGED_VALUE_MAX)}…`;
}

/** The event for `error` when it is a wrong-entity UPSTREAM_ERROR of a read of `asked` in `connectionId`. */
export function wrongEntityEvent(error: unknown, connectionId: string, asked: string | undefined): WrongEntityEvent | undefined {
  if (!(error instanceof UpstreamError) || error.wrongEntity === undefined) return undefined;
  const { received, duplicatedPart } = error.wrongEntity;
  return {
    connectionId: truncated(connectionId),
    asked: asked === undefined ? undefined : truncated(asked),
    received: received === undefined ? undefined : truncated(received),
    kind: duplicatedPart ? 'duplicated part' : asked !== undefined && received !== asked ? 'key' : 'connection',
  };
}
