/**
 * What an OData key (an operationId or connectionId) may be, checked before it is used anywhere: an empty key
 * would turn a read by key into a collection read, control characters have no business in an id, and very
 * long ones only cost. Pure; the GraphQL argument checks and the global-id decoder both use it.
 */

/** Longest key accepted, in UTF-16 code units. */
export const MAX_KEY_LENGTH = 512;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Why `key` is not acceptable (completing "… must …"/"… is …"), or undefined when it is. */
export function keyProblem(key: string): string | undefined {
  if (key.length === 0) return 'must not be empty';
  if (key.length > MAX_KEY_LENGTH) return `is longer than ${MAX_KEY_LENGTH} characters`;
  if (CONTROL.test(key)) return 'must not contain control characters';
  if (!key.isWellFormed()) return 'is not well-formed Unicode';
  return undefined;
}
