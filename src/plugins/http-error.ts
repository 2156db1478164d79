/** A GraphQL-shaped JSON error response for requests refused before GraphQL parsing starts. */
export function httpErrorResponse(status: number, message: string, code = 'BAD_USER_INPUT'): Response {
  return new Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}
