/**
 * Checks of mutation inputs before anything is sent upstream: bounded strings and lists, and header-safe
 * ETags. Keys are checked by assertValidKey (odata/url.ts).
 */
import { badUserInput } from '../errors.js';
import type { CreateConnectionOperationInput, UpdateConnectionOperationInput } from '../generated/graphql.js';
import { assertValidKey } from '../odata/url.js';

export const inputLimits = { maxStringLength: 4096, maxDetails: 100 } as const;

function checkString(value: string | null | undefined, argument: string): void {
  if (value != null && value.length > inputLimits.maxStringLength) {
    throw badUserInput(`\`${argument}\` is longer than ${inputLimits.maxStringLength} characters.`, argument);
  }
}

/** Bounds the strings and lists of a create or update input; checks the id of a create. */
export function checkWriteInput(input: CreateConnectionOperationInput | UpdateConnectionOperationInput): void {
  if ('id' in input && input.id != null) assertValidKey(input.id, 'input.id');
  const error = input.error;
  if (error == null) return;
  checkString(error.errorCode, 'input.error.errorCode');
  checkString(error.message, 'input.error.message');
  if (error.details != null) {
    if (error.details.length > inputLimits.maxDetails) {
      throw badUserInput(`\`input.error.details\` has more than ${inputLimits.maxDetails} entries.`, 'input.error.details');
    }
    for (const detail of error.details) {
      checkString(detail.source, 'input.error.details.source');
      checkString(detail.message, 'input.error.details.message');
    }
  }
}

/** An ETag goes into the If-Match header: printable ASCII only, bounded. */
export function checkIfMatch(ifMatch: string | null | undefined): string | undefined {
  if (ifMatch == null) return undefined;
  if (!/^[\x20-\x7e]{1,1024}$/.test(ifMatch)) {
    throw badUserInput('`ifMatch` must be an ETag: 1 to 1024 printable ASCII characters.', 'ifMatch');
  }
  return ifMatch;
}
