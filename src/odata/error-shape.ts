/**
 * The two shapes Microsoft Graph has used for `connectionOperation.error` (DESIGN.md section 2):
 * - `errorDetail` (beta, the 2019-2020 pages): `{errorCode, message, details: [innerErrorDetail {source, message}]}`;
 * - `publicError` (v1.0 and today's beta CSDL): `{code, message, target, details: [publicErrorDetail {code,
 *   message, target}], innerError}`.
 * Reads accept both; writes send the one the upstream uses (chosen from its `$metadata`, or configured).
 */
export type ErrorShape = 'errorDetail' | 'publicError';
