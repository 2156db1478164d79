/**
 * `$filter` for `connectionOperation`: a tokenizer, a recursive-descent parser and an evaluator for the
 * subset of OData's expression language this service supports.
 *
 * Grammar (keywords are lower-case, as in OData):
 *
 *   expr       := orExpr
 *   orExpr     := andExpr ( "or" andExpr )*
 *   andExpr    := unary ( "and" unary )*
 *   unary      := "not" unary | primary
 *   primary    := "(" expr ")" | comparison
 *   comparison := property ( "eq" | "ne" ) literal
 *              |  property "in" "(" literal ( "," literal )* ")"
 *   property   := "id" | "status"
 *   literal    := 'string' (quote doubled inside) | null | microsoft.graph.connectionOperationStatus'member'
 *
 * `not` binds to the next comparison or parenthesised group. (Strict OData gives `not` higher precedence
 * than `eq`, which makes `not status eq 'failed'` a type error; every client writes it meaning
 * `not (status eq 'failed')`, so that is how it reads here.)
 *
 * Anything else (other properties, functions, `gt`/`lt`/`has`, numbers, bad syntax) is rejected with an
 * {@link ODataError} 400 whose message names the position and what is allowed, so a client bug shows up
 * as a clear error instead of a silently different result.
 */
import { ENUM_TYPE, STATUS_MEMBER_NAMES, isStatusMember } from './model.js';
import { ODataError, badRequest } from './errors.js';

export type FilterProperty = 'id' | 'status';

export type FilterExpr =
  | { kind: 'compare'; property: FilterProperty; op: 'eq' | 'ne'; value: string | null }
  | { kind: 'in'; property: FilterProperty; values: Array<string | null> }
  | { kind: 'and' | 'or'; left: FilterExpr; right: FilterExpr }
  | { kind: 'not'; operand: FilterExpr };

/** The two filterable properties of an operation. */
export interface FilterTarget {
  id: string;
  status: string | null;
}

/** Longest `$filter` accepted; protects the parser from pathological input. */
export const MAX_FILTER_LENGTH = 8192;
/** Deepest nesting of parentheses / `not` accepted; keeps recursion bounded. */
export const MAX_FILTER_DEPTH = 64;

type Token =
  | { type: 'lparen' | 'rparen' | 'comma' | 'end'; pos: number }
  | { type: 'string'; value: string; pos: number }
  | { type: 'enum'; typeName: string; value: string; pos: number }
  | { type: 'word'; value: string; pos: number }
  | { type: 'number'; value: string; pos: number }
  | { type: 'other'; value: string; pos: number };

const KEYWORDS = new Set(['eq', 'ne', 'in', 'and', 'or', 'not']);

function filterError(pos: number, message: string): ODataError {
  return badRequest(`Invalid $filter at position ${pos}: ${message}`);
}

/** Reads a single-quoted literal starting at `start` (the opening quote); `''` is an escaped quote. */
function readQuoted(text: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  for (;;) {
    if (i >= text.length) throw filterError(start, 'unterminated string literal (a quote inside a literal is written as two quotes).');
    const ch = text[i];
    if (ch === "'") {
      if (text[i + 1] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    value += ch;
    i += 1;
  }
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? '';
    if (ch === ' ' || ch === '\t') {
      i += 1;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ type: ch === '(' ? 'lparen' : ch === ')' ? 'rparen' : 'comma', pos: i });
      i += 1;
    } else if (ch === "'") {
      const { value, end } = readQuoted(text, i);
      tokens.push({ type: 'string', value, pos: i });
      i = end;
    } else if (/[A-Za-z_]/.test(ch)) {
      const match = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i));
      const word = match?.[0] ?? ch;
      // A word directly followed by a quote is a qualified enum literal, unless it is a keyword
      // (`id eq'x'` lacks the required space but means the obvious thing).
      if (text[i + word.length] === "'" && !KEYWORDS.has(word)) {
        // Qualified enum literal: microsoft.graph.connectionOperationStatus'failed'
        const { value, end } = readQuoted(text, i + word.length);
        tokens.push({ type: 'enum', typeName: word, value, pos: i });
        i = end;
      } else {
        tokens.push({ type: 'word', value: word, pos: i });
        i += word.length;
      }
    } else if (/[0-9-]/.test(ch)) {
      const word = /^-?[0-9][0-9A-Za-z.:+-]*/.exec(text.slice(i))?.[0] ?? ch;
      tokens.push({ type: 'number', value: word, pos: i });
      i += word.length;
    } else {
      tokens.push({ type: 'other', value: ch, pos: i });
      i += 1;
    }
  }
  tokens.push({ type: 'end', pos: text.length });
  return tokens;
}

const UNSUPPORTED_OPERATORS = new Set(['gt', 'ge', 'lt', 'le', 'has', 'add', 'sub', 'mul', 'div', 'divby', 'mod']);

function describe(token: Token): string {
  switch (token.type) {
    case 'end':
      return 'end of input';
    case 'lparen':
      return "'('";
    case 'rparen':
      return "')'";
    case 'comma':
      return "','";
    case 'string':
      return 'a string literal';
    case 'enum':
      return 'an enum literal';
    default:
      return `'${token.value}'`;
  }
}

class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.index] ?? { type: 'end', pos: 0 };
  }
  private next(): Token {
    const token = this.peek();
    this.index += 1;
    return token;
  }
  private isWord(value: string): boolean {
    const token = this.peek();
    return token.type === 'word' && token.value === value;
  }

  parse(): FilterExpr {
    const expr = this.orExpr(0);
    const rest = this.peek();
    if (rest.type !== 'end') {
      throw filterError(rest.pos, `unexpected ${describe(rest)} after a complete expression; combine conditions with 'and' or 'or'.`);
    }
    return expr;
  }

  private orExpr(depth: number): FilterExpr {
    let left = this.andExpr(depth);
    while (this.isWord('or')) {
      this.next();
      left = { kind: 'or', left, right: this.andExpr(depth) };
    }
    return left;
  }

  private andExpr(depth: number): FilterExpr {
    let left = this.unary(depth);
    while (this.isWord('and')) {
      this.next();
      left = { kind: 'and', left, right: this.unary(depth) };
    }
    return left;
  }

  private unary(depth: number): FilterExpr {
    if (depth > MAX_FILTER_DEPTH) throw filterError(this.peek().pos, `expression nested deeper than ${MAX_FILTER_DEPTH} levels.`);
    if (this.isWord('not')) {
      this.next();
      return { kind: 'not', operand: this.unary(depth + 1) };
    }
    return this.primary(depth);
  }

  private primary(depth: number): FilterExpr {
    const token = this.peek();
    if (token.type === 'lparen') {
      this.next();
      const inner = this.orExpr(depth + 1);
      const close = this.next();
      if (close.type !== 'rparen') throw filterError(close.pos, `expected ')' but found ${describe(close)}.`);
      return inner;
    }
    return this.comparison();
  }

  private property(): FilterProperty {
    const token = this.next();
    if (token.type === 'word') {
      if (token.value === 'id' || token.value === 'status') return token.value;
      if (this.peek().type === 'lparen') {
        throw filterError(token.pos, `function '${token.value}' is not supported; only eq, ne, in, and, or, not on 'id' and 'status' are.`);
      }
      if (KEYWORDS.has(token.value)) throw filterError(token.pos, `expected a property ('id' or 'status') but found '${token.value}'.`);
      throw filterError(token.pos, `property '${token.value}' cannot be filtered; only 'id' and 'status' can.`);
    }
    throw filterError(token.pos, `expected a property ('id' or 'status') but found ${describe(token)}.`);
  }

  private comparison(): FilterExpr {
    const property = this.property();
    const opToken = this.next();
    if (opToken.type === 'other' && opToken.value === '/') {
      throw filterError(opToken.pos, `property paths are not supported; '${property}' has no sub-properties that can be filtered.`);
    }
    if (opToken.type !== 'word') throw filterError(opToken.pos, `expected eq, ne or in after '${property}' but found ${describe(opToken)}.`);
    const op = opToken.value;
    if (op === 'eq' || op === 'ne') {
      return { kind: 'compare', property, op, value: this.literal(property) };
    }
    if (op === 'in') {
      const open = this.next();
      if (open.type !== 'lparen') throw filterError(open.pos, `expected '(' after 'in' but found ${describe(open)}.`);
      const values = [this.literal(property)];
      for (;;) {
        const sep = this.next();
        if (sep.type === 'rparen') break;
        if (sep.type !== 'comma') throw filterError(sep.pos, `expected ',' or ')' in the 'in' list but found ${describe(sep)}.`);
        values.push(this.literal(property));
      }
      return { kind: 'in', property, values };
    }
    if (UNSUPPORTED_OPERATORS.has(op)) {
      throw filterError(opToken.pos, `operator '${op}' is not supported; use eq, ne or in (combined with and, or, not).`);
    }
    throw filterError(opToken.pos, `expected eq, ne or in after '${property}' but found '${op}' (operators are lower-case).`);
  }

  private literal(property: FilterProperty): string | null {
    const token = this.next();
    if (token.type === 'word' && token.value === 'null') return null;
    if (token.type === 'string') {
      if (property === 'status') checkMember(token.value, token.pos);
      return token.value;
    }
    if (token.type === 'enum') {
      if (property === 'id') throw filterError(token.pos, `'id' is an Edm.String; compare it with a string literal, not an enum literal.`);
      if (token.typeName !== ENUM_TYPE) {
        throw filterError(token.pos, `enum type '${token.typeName}' does not match '${ENUM_TYPE}'.`);
      }
      checkMember(token.value, token.pos);
      return token.value;
    }
    if (token.type === 'number') {
      throw filterError(token.pos, `numeric literal '${token.value}' is not supported; '${property}' takes a string literal in single quotes.`);
    }
    if (token.type === 'word' && (token.value === 'true' || token.value === 'false')) {
      throw filterError(token.pos, `boolean literal '${token.value}' is not supported; '${property}' takes a string literal in single quotes.`);
    }
    throw filterError(token.pos, `expected a literal in single quotes (or null) but found ${describe(token)}.`);
  }
}

function checkMember(value: string, pos: number): void {
  if (!isStatusMember(value)) {
    throw filterError(pos, `'${value}' is not a member of ${ENUM_TYPE}; members are ${STATUS_MEMBER_NAMES.join(', ')} (case-sensitive).`);
  }
}

/** Parses a `$filter` value (already percent-decoded). Throws {@link ODataError} 400 on anything unsupported. */
export function parseFilter(text: string): FilterExpr {
  if (text.length > MAX_FILTER_LENGTH) throw badRequest(`Invalid $filter: longer than ${MAX_FILTER_LENGTH} characters.`);
  if (text.trim() === '') throw badRequest('Invalid $filter: the expression is empty.');
  return new Parser(tokenize(text)).parse();
}

/**
 * Evaluates with OData's null rules: `eq null` is true only for null, `ne` is the negation of `eq`.
 * A status the service does not know (an evolved upstream storing e.g. 'paused') equals none of the
 * literals, since literals are restricted to declared members.
 */
export function evaluateFilter(expr: FilterExpr, target: FilterTarget): boolean {
  switch (expr.kind) {
    case 'compare': {
      const equal = target[expr.property] === expr.value;
      return expr.op === 'eq' ? equal : !equal;
    }
    case 'in':
      return expr.values.includes(target[expr.property]);
    case 'and':
      return evaluateFilter(expr.left, target) && evaluateFilter(expr.right, target);
    case 'or':
      return evaluateFilter(expr.left, target) || evaluateFilter(expr.right, target);
    case 'not':
      return !evaluateFilter(expr.operand, target);
  }
}
