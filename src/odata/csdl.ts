/**
 * A small reader for the few CSDL 4.0 (XML) elements the `$metadata` drift check needs: schemas with their
 * namespaces and aliases, entity and complex types with their properties, navigation properties, keys and
 * base types, and enum types with their members. Everything else (annotations, actions, containers, text) is
 * skipped.
 *
 * Why hand-written: the project has no XML parser, the subset needed is tiny, and the input is an
 * upstream's document that must not be trusted. The reader is a single linear scan with `indexOf` (no
 * regular expressions over the input, no recursion), refuses DOCTYPE declarations (no entity expansion,
 * so no "billion laughs" or external entities), bounds the input size and the nesting depth, and never
 * throws: every problem comes back as `{ ok: false, problem }`.
 */

export interface CsdlProperty {
  name: string;
  /** As written: `Edm.String`, `graph.publicError`, `Collection(microsoft.graph.innerErrorDetail)`. */
  type: string;
}

export interface CsdlStructuredType {
  kind: 'entity' | 'complex';
  namespace: string;
  name: string;
  /** As written (may use an alias); undefined when the type has none. */
  baseType: string | undefined;
  /** Names of the key's PropertyRefs (entity types declaring a key). */
  key: string[];
  /** Structural properties (`Property`). */
  properties: CsdlProperty[];
  /** `NavigationProperty` elements, `type` as written (`Collection(ns.connectionOperation)`). */
  navigationProperties: CsdlProperty[];
}

export interface CsdlEnumMember {
  name: string;
  /** The `Value` attribute as written; undefined when omitted (then it is the member's position). */
  value: string | undefined;
}

export interface CsdlEnumType {
  namespace: string;
  name: string;
  isFlags: boolean;
  members: CsdlEnumMember[];
}

export interface CsdlModel {
  /** Namespaces of the schemas, in document order. */
  namespaces: string[];
  /** Alias → namespace (Schema `Alias` and `edmx:Include` `Alias`). */
  aliases: Map<string, string>;
  /** By qualified name (`namespace.name`). */
  structuredTypes: Map<string, CsdlStructuredType>;
  enumTypes: Map<string, CsdlEnumType>;
}

export type CsdlReadResult = { ok: true; model: CsdlModel } | { ok: false; problem: string };

export interface CsdlLimits {
  /** Longest document read, in characters. Default 64 Mi (today's Graph CSDL is a few MB). */
  maxChars?: number;
  /** Deepest element nesting. Default 64 (CSDL needs about 10). */
  maxDepth?: number;
}

export const DEFAULT_CSDL_MAX_CHARS = 64 * 1024 * 1024;
const DEFAULT_MAX_DEPTH = 64;

class CsdlSyntaxError extends Error {}

const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the predefined and numeric character references of an attribute value; others stay as written. */
function decodeAttribute(raw: string): string {
  if (!raw.includes('&')) return raw;
  let out = '';
  let from = 0;
  for (let amp = raw.indexOf('&'); amp >= 0; amp = raw.indexOf('&', from)) {
    const semi = raw.indexOf(';', amp);
    // References are short; a far-away `;` belongs to something else.
    if (semi < 0 || semi - amp > 12) break;
    const name = raw.slice(amp + 1, semi);
    let decoded: string | undefined = PREDEFINED_ENTITIES[name];
    if (decoded === undefined && name.startsWith('#')) {
      const code = name[1] === 'x' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      if (Number.isInteger(code) && code >= 0 && code <= 0x10ffff) decoded = String.fromCodePoint(code);
    }
    out += raw.slice(from, amp) + (decoded ?? raw.slice(amp, semi + 1));
    from = semi + 1;
  }
  return out + raw.slice(from);
}

function isNameEnd(code: number): boolean {
  // whitespace, '/', '>'
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 47 || code === 62;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

function localName(qualified: string): string {
  return qualified.slice(qualified.indexOf(':') + 1);
}

interface StartTag {
  name: string;
  attributes: Map<string, string>;
  selfClosing: boolean;
  /** Index after the closing `>`. */
  end: number;
}

/** Reads the start tag beginning at `lt` (the `<`). */
function readStartTag(xml: string, lt: number): StartTag {
  let pos = lt + 1;
  while (pos < xml.length && !isNameEnd(xml.charCodeAt(pos))) pos++;
  const name = xml.slice(lt + 1, pos);
  if (name === '' || name.includes('<')) throw new CsdlSyntaxError(`malformed tag at character ${lt}`);
  const attributes = new Map<string, string>();
  for (;;) {
    while (pos < xml.length && isSpace(xml.charCodeAt(pos))) pos++;
    if (pos >= xml.length) throw new CsdlSyntaxError(`the document ends inside the tag <${name.slice(0, 40)}>`);
    const code = xml.charCodeAt(pos);
    if (code === 62) return { name, attributes, selfClosing: false, end: pos + 1 };
    if (code === 47) {
      if (xml.charCodeAt(pos + 1) !== 62) throw new CsdlSyntaxError(`malformed tag <${name.slice(0, 40)}>`);
      return { name, attributes, selfClosing: true, end: pos + 2 };
    }
    const nameStart = pos;
    while (pos < xml.length && xml.charCodeAt(pos) !== 61 && !isNameEnd(xml.charCodeAt(pos))) pos++;
    const attributeName = xml.slice(nameStart, pos);
    while (pos < xml.length && isSpace(xml.charCodeAt(pos))) pos++;
    if (attributeName === '' || xml.charCodeAt(pos) !== 61) throw new CsdlSyntaxError(`malformed attribute in <${name.slice(0, 40)}>`);
    pos++;
    while (pos < xml.length && isSpace(xml.charCodeAt(pos))) pos++;
    const quote = xml[pos];
    if (quote !== '"' && quote !== "'") throw new CsdlSyntaxError(`unquoted attribute value in <${name.slice(0, 40)}>`);
    const close = xml.indexOf(quote, pos + 1);
    if (close < 0) throw new CsdlSyntaxError(`the document ends inside an attribute of <${name.slice(0, 40)}>`);
    attributes.set(attributeName, decodeAttribute(xml.slice(pos + 1, close)));
    pos = close + 1;
  }
}

/** Builds the model from the elements the scan reports; knows which parent each element must have. */
class ModelBuilder {
  readonly model: CsdlModel = { namespaces: [], aliases: new Map(), structuredTypes: new Map(), enumTypes: new Map() };
  private schema: { namespace: string; depth: number } | undefined;
  private type: { value: CsdlStructuredType; depth: number } | undefined;
  private enumType: { value: CsdlEnumType; depth: number } | undefined;

  open(name: string, attributes: Map<string, string>, parent: string | undefined, depth: number): void {
    const local = localName(name);
    const parentLocal = parent === undefined ? undefined : localName(parent);
    // A Schema inside edmx:DataServices, or a bare Schema document: both layouts carry the same types.
    if (local === 'Schema' && (parentLocal === 'DataServices' || parentLocal === undefined)) {
      const namespace = attributes.get('Namespace');
      if (namespace === undefined || namespace === '') return;
      this.schema = { namespace, depth };
      this.model.namespaces.push(namespace);
      const alias = attributes.get('Alias');
      if (alias) this.model.aliases.set(alias, namespace);
      return;
    }
    if (local === 'Include' && parentLocal === 'Reference') {
      const namespace = attributes.get('Namespace');
      const alias = attributes.get('Alias');
      if (namespace && alias) this.model.aliases.set(alias, namespace);
      return;
    }
    const schema = this.schema;
    if (schema === undefined) return;
    const typeName = attributes.get('Name');
    if (depth === schema.depth + 1 && typeName) {
      if (local === 'EntityType' || local === 'ComplexType') {
        const value: CsdlStructuredType = {
          kind: local === 'EntityType' ? 'entity' : 'complex',
          namespace: schema.namespace,
          name: typeName,
          baseType: attributes.get('BaseType'),
          key: [],
          properties: [],
          navigationProperties: [],
        };
        this.model.structuredTypes.set(`${schema.namespace}.${typeName}`, value);
        this.type = { value, depth };
      } else if (local === 'EnumType') {
        const value: CsdlEnumType = { namespace: schema.namespace, name: typeName, isFlags: attributes.get('IsFlags') === 'true', members: [] };
        this.model.enumTypes.set(`${schema.namespace}.${typeName}`, value);
        this.enumType = { value, depth };
      }
      return;
    }
    const type = this.type;
    if (type !== undefined && local === 'Property' && depth === type.depth + 1) {
      const propertyName = attributes.get('Name');
      const propertyType = attributes.get('Type');
      if (propertyName && propertyType) type.value.properties.push({ name: propertyName, type: propertyType });
    } else if (type !== undefined && local === 'NavigationProperty' && depth === type.depth + 1) {
      const propertyName = attributes.get('Name');
      const propertyType = attributes.get('Type');
      if (propertyName && propertyType) type.value.navigationProperties.push({ name: propertyName, type: propertyType });
    } else if (type !== undefined && local === 'PropertyRef' && depth === type.depth + 2 && parentLocal === 'Key') {
      const keyName = attributes.get('Name');
      if (keyName) type.value.key.push(keyName);
    } else if (this.enumType !== undefined && local === 'Member' && depth === this.enumType.depth + 1) {
      const memberName = attributes.get('Name');
      if (memberName) this.enumType.value.members.push({ name: memberName, value: attributes.get('Value') });
    }
  }

  close(depth: number): void {
    if (this.type?.depth === depth) this.type = undefined;
    if (this.enumType?.depth === depth) this.enumType = undefined;
    if (this.schema?.depth === depth) this.schema = undefined;
  }
}

/** Reads CSDL XML text. Never throws. */
export function readCsdl(xml: string, limits: CsdlLimits = {}): CsdlReadResult {
  const maxChars = limits.maxChars ?? DEFAULT_CSDL_MAX_CHARS;
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (xml.length > maxChars) return { ok: false, problem: `the document is longer than ${maxChars} characters` };
  try {
    return { ok: true, model: scan(xml, maxDepth) };
  } catch (error) {
    if (error instanceof CsdlSyntaxError) return { ok: false, problem: `not well-formed XML: ${error.message}` };
    return { ok: false, problem: 'the document could not be read' };
  }
}

function scan(xml: string, maxDepth: number): CsdlModel {
  const builder = new ModelBuilder();
  const stack: string[] = [];
  let sawRoot = false;
  let pos = 0;
  for (;;) {
    const lt = xml.indexOf('<', pos);
    if (lt < 0) break;
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt + 4);
      if (end < 0) throw new CsdlSyntaxError('the document ends inside a comment');
      pos = end + 3;
    } else if (xml.startsWith('<?', lt)) {
      const end = xml.indexOf('?>', lt + 2);
      if (end < 0) throw new CsdlSyntaxError('the document ends inside a processing instruction');
      pos = end + 2;
    } else if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt + 9);
      if (end < 0) throw new CsdlSyntaxError('the document ends inside a CDATA section');
      pos = end + 3;
    } else if (xml.startsWith('<!', lt)) {
      throw new CsdlSyntaxError('DOCTYPE and other declarations are not accepted in CSDL');
    } else if (xml.charCodeAt(lt + 1) === 47) {
      const gt = xml.indexOf('>', lt);
      if (gt < 0) throw new CsdlSyntaxError('the document ends inside an end tag');
      const name = xml.slice(lt + 2, gt).trim();
      const open = stack.pop();
      if (open !== name) throw new CsdlSyntaxError(`</${name.slice(0, 40)}> does not close <${(open ?? '').slice(0, 40)}>`);
      builder.close(stack.length + 1);
      pos = gt + 1;
    } else {
      if (sawRoot && stack.length === 0) throw new CsdlSyntaxError('more than one root element');
      const tag = readStartTag(xml, lt);
      sawRoot = true;
      const depth = stack.length + 1;
      if (depth > maxDepth) throw new CsdlSyntaxError(`elements nested deeper than ${maxDepth} levels`);
      builder.open(tag.name, tag.attributes, stack[stack.length - 1], depth);
      if (tag.selfClosing) builder.close(depth);
      else stack.push(tag.name);
      pos = tag.end;
    }
  }
  if (!sawRoot) throw new CsdlSyntaxError('no XML element');
  if (stack.length > 0) throw new CsdlSyntaxError(`the document ends inside <${stack[stack.length - 1]!.slice(0, 40)}>`);
  return builder.model;
}

export interface TypeReference {
  /** Qualified name with aliases resolved (`microsoft.graph.publicError`, `Edm.String`). */
  name: string;
  collection: boolean;
}

/** Resolves a type as written in an attribute: unwraps `Collection(...)` and replaces a namespace alias. */
export function resolveType(model: CsdlModel, written: string): TypeReference {
  let name = written.trim();
  let collection = false;
  if (name.startsWith('Collection(') && name.endsWith(')')) {
    collection = true;
    name = name.slice('Collection('.length, -1).trim();
  }
  const dot = name.lastIndexOf('.');
  if (dot > 0) {
    const namespace = model.aliases.get(name.slice(0, dot));
    if (namespace !== undefined) name = `${namespace}${name.slice(dot)}`;
  }
  return { name, collection };
}
