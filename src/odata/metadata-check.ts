/**
 * The `$metadata` drift check: compares an upstream's CSDL with what the gateway maps and chooses the error
 * shape writes must send. What it compares:
 * - the entity type `connectionOperation`: the key `id` (Edm.String), `status` (the enum
 *   connectionOperationStatus with the members of enums.ts `ODataStatus`) and `error` (`errorDetail` or
 *   `publicError`, with the properties of ERROR_SHAPES);
 * - the entity type `externalConnection`: the key `id` (Edm.String), `name` and `description` (Edm.String),
 *   `state` (the enum connectionState with the members of enums.ts `ODataConnectionState`) and the navigation
 *   property `operations`, a collection of the connectionOperation above.
 * Both types are looked up by name, `microsoft.graph.externalConnectors` first, then `microsoft.graph` (where
 * the 2019-2020 beta had them, and where today's beta still declares old copies), then any other namespace;
 * every other type of the name is an `info` finding. Enums and complex types are the ones the properties name,
 * never looked up by name alone (beta's own `microsoft.graph.errorDetail` is an unrelated type).
 *
 * Pure: CSDL text in, a report out. Findings come in two levels:
 * - `drift`: something the gateway maps is missing or changed (a property or the operations navigation gone
 *   or of another type, another key, a known status or state member gone, a flags enum, an unknown error type,
 *   no connectionOperation at all). Reads or writes would lose data or fail.
 * - `info`: differences the gateway deliberately ignores: extra properties (other navigation properties than
 *   `operations` are only shown); status and state members it does not know (they read as
 *   UNKNOWN_FUTURE_VALUE); a status enum without `unknownFutureValue` (the 2019-2020 beta; connectionState has
 *   it in every service that has externalConnection, so there its absence is drift); other types of the same
 *   name; and a service without externalConnection at all (the 2019-2020 beta the gateway was first built
 *   for): the connection fields cannot be served from it, operations still can.
 *
 * Every name shown comes from the upstream's document, so each is cut to a bounded length and the lists
 * are bounded: a hostile document cannot make the report (and the log line built from it) large.
 */
import { readCsdl, resolveType, type CsdlLimits, type CsdlModel, type CsdlStructuredType } from './csdl.js';
import type { ConnectionProperty } from './connection-entity.js';
import { ODataConnectionState, ODataStatus } from './enums.js';
import type { ErrorShape } from './error-shape.js';

export type FindingLevel = 'drift' | 'info';

export interface Finding {
  level: FindingLevel;
  /** Stable identifier of the kind of difference (tests and tooling match on it). */
  code:
    | 'operation-missing'
    | 'operation-other'
    | 'key-changed'
    | 'property-missing'
    | 'property-type'
    | 'property-extra'
    | 'status-type'
    | 'status-flags'
    | 'status-member-missing'
    | 'status-member-extra'
    | 'status-no-unknown-future-value'
    | 'error-type-unknown'
    | 'base-type-unresolved'
    | 'connection-missing'
    | 'connection-other'
    | 'state-type'
    | 'state-flags'
    | 'state-member-missing'
    | 'state-member-extra'
    | 'navigation-missing'
    | 'navigation-type';
  /** What it is about, e.g. `connectionOperation.status`, `connectionState.ready`, `externalConnection.operations`. */
  subject: string;
  message: string;
}

export interface ReportedProperty {
  name: string;
  type: string;
}

export interface ReportedEnum {
  type: string;
  members: Array<{ name: string; value: string | undefined }>;
}

export interface MetadataReport {
  /** `fine` when there is no drift finding (info findings do not count). */
  verdict: 'fine' | 'drift';
  /** The error shape the upstream uses; undefined when its error type is not one the gateway knows. */
  errorShape: ErrorShape | undefined;
  /** The connectionOperation entity type found, with its properties (inherited ones included). */
  operation: { type: string; key: string[]; properties: ReportedProperty[] } | undefined;
  status: ReportedEnum | undefined;
  error: { type: string; properties: ReportedProperty[] } | undefined;
  /** The externalConnection entity type found, with its properties and navigation properties (inherited ones included). */
  connection: { type: string; key: string[]; properties: ReportedProperty[]; navigationProperties: ReportedProperty[] } | undefined;
  /** The enum of externalConnection.state, when it is one. */
  connectionState: ReportedEnum | undefined;
  findings: Finding[];
}

/** The outcome of reading a document: a report, or why there is none. */
export type MetadataCheckResult = { readable: true; report: MetadataReport } | { readable: false; problem: string };

/** Longest upstream name shown, and most entries listed per list. */
const NAME_SHOWN = 80;
const LIST_SHOWN = 50;
/** Longest BaseType chain followed (Graph's are 1-2 deep). */
const MAX_BASE_DEPTH = 16;

const EDM_STRING = 'Edm.String';
const OPERATION_NAME = 'connectionOperation';
const STATUS_ENUM_NAME = 'connectionOperationStatus';
const CONNECTION_NAME = 'externalConnection';
const STATE_ENUM_NAME = 'connectionState';
const OPERATIONS_NAVIGATION = 'operations';
/** Where connectionOperation and externalConnection have lived: today's services, then the 2019-2020 beta. */
const PREFERRED_NAMESPACES = ['microsoft.graph.externalConnectors', 'microsoft.graph'];

/** Members every service has; `unknownFutureValue` came later and is optional. */
const REQUIRED_STATUS_MEMBERS: readonly string[] = [ODataStatus.UNSPECIFIED, ODataStatus.IN_PROGRESS, ODataStatus.COMPLETED, ODataStatus.FAILED];

/**
 * What the gateway reads of externalConnection besides the key (connection-entity.ts): typed by
 * ConnectionProperty, so a property added there must be added here (the enum `state` is checked by STATE_SPEC).
 */
const CONNECTION_PROPERTIES: Readonly<Record<ConnectionProperty, 'string' | 'enum'>> = { name: 'string', description: 'string', state: 'enum' };

/** How an evolvable enum property is checked, and the finding codes it uses. */
interface EnumSpec {
  /** The entity type and its property: `connectionOperation` and `status`. */
  owner: string;
  property: string;
  /** The enum's name the property must have. */
  enumName: string;
  /** Members whose absence is drift. */
  required: readonly string[];
  /** A member whose absence is only info (older services). */
  optional?: { member: string; code: Finding['code'] };
  /** Members the gateway maps; any other reads as UNKNOWN_FUTURE_VALUE (info). */
  known: ReadonlySet<string>;
  codes: { type: Finding['code']; flags: Finding['code']; missing: Finding['code']; extra: Finding['code'] };
}

const STATUS_SPEC: EnumSpec = {
  owner: OPERATION_NAME,
  property: 'status',
  enumName: STATUS_ENUM_NAME,
  required: REQUIRED_STATUS_MEMBERS,
  optional: { member: ODataStatus.UNKNOWN_FUTURE_VALUE, code: 'status-no-unknown-future-value' },
  known: new Set(Object.values(ODataStatus)),
  codes: { type: 'status-type', flags: 'status-flags', missing: 'status-member-missing', extra: 'status-member-extra' },
};

/** Every member of connectionState the gateway maps is required: no service with externalConnection lacks one. */
const STATE_SPEC: EnumSpec = {
  owner: CONNECTION_NAME,
  property: 'state' satisfies ConnectionProperty,
  enumName: STATE_ENUM_NAME,
  required: Object.values(ODataConnectionState),
  known: new Set(Object.values(ODataConnectionState)),
  codes: { type: 'state-type', flags: 'state-flags', missing: 'state-member-missing', extra: 'state-member-extra' },
};

/** A property the gateway maps: Edm.String, or a collection of complex objects with these properties. */
type ExpectedProperty = { type: 'Edm.String' } | { collectionOf: Readonly<Record<string, ExpectedProperty>> };

const STRING: ExpectedProperty = { type: EDM_STRING };

/** What the gateway reads and writes of each error shape (DESIGN.md section 2; entity.ts). */
export const ERROR_SHAPES: Readonly<Record<ErrorShape, { type: string; properties: Readonly<Record<string, ExpectedProperty>> }>> = {
  errorDetail: {
    type: 'microsoft.graph.errorDetail',
    properties: { errorCode: STRING, message: STRING, details: { collectionOf: { source: STRING, message: STRING } } },
  },
  publicError: {
    type: 'microsoft.graph.publicError',
    properties: { code: STRING, message: STRING, target: STRING, details: { collectionOf: { code: STRING, message: STRING, target: STRING } } },
  },
};

export function shown(name: string): string {
  // Control characters would let a name forge extra log lines.
  const printable = name.replace(/[\u0000-\u001f\u007f]/g, '?');
  return printable.length > NAME_SHOWN ? `${printable.slice(0, NAME_SHOWN)}…` : printable;
}

function bounded<T>(items: T[]): T[] {
  return items.length > LIST_SHOWN ? items.slice(0, LIST_SHOWN) : items;
}

type CsdlProperty = CsdlStructuredType['properties'][number];

/** Properties as the report shows them: bounded, names and types cut. */
function reported(properties: CsdlProperty[]): ReportedProperty[] {
  return bounded(properties).map((p) => ({ name: shown(p.name), type: shown(p.type) }));
}

/** The properties of a structured type with those of its base types (base first), and any problem on the way. */
function allProperties(
  model: CsdlModel,
  type: CsdlStructuredType,
): { properties: CsdlProperty[]; navigationProperties: CsdlProperty[]; key: string[]; unresolved?: string } {
  const chain: CsdlStructuredType[] = [type];
  let unresolved: string | undefined;
  for (let current = type; current.baseType !== undefined && chain.length <= MAX_BASE_DEPTH; ) {
    const base = model.structuredTypes.get(resolveType(model, current.baseType).name);
    if (base === undefined || chain.includes(base)) {
      unresolved = current.baseType;
      break;
    }
    chain.push(base);
    current = base;
  }
  chain.reverse();
  const key = chain.find((t) => t.key.length > 0)?.key ?? [];
  return { properties: chain.flatMap((t) => t.properties), navigationProperties: chain.flatMap((t) => t.navigationProperties), key, unresolved };
}

/** The entity type of that name in the most preferred namespace, and the qualified names of the others. */
function findEntityType(model: CsdlModel, name: string): { chosen: CsdlStructuredType | undefined; others: string[] } {
  const candidates = [...model.structuredTypes.values()].filter((t) => t.kind === 'entity' && t.name === name);
  const rank = (t: CsdlStructuredType) => {
    const index = PREFERRED_NAMESPACES.indexOf(t.namespace);
    return index < 0 ? PREFERRED_NAMESPACES.length : index;
  };
  candidates.sort((a, b) => rank(a) - rank(b));
  return { chosen: candidates[0], others: candidates.slice(1).map((t) => `${t.namespace}.${t.name}`) };
}

class Findings {
  readonly list: Finding[] = [];
  add(level: FindingLevel, code: Finding['code'], subject: string, message: string): void {
    if (this.list.length < LIST_SHOWN * 4) this.list.push({ level, code, subject: shown(subject), message });
  }
}

/** Compares a complex type's properties with what the gateway maps, recursing into collections once. */
function compareComplex(
  model: CsdlModel,
  type: CsdlStructuredType,
  expected: Readonly<Record<string, ExpectedProperty>>,
  subject: string,
  findings: Findings,
  depth: number,
): ReportedProperty[] {
  const { properties, unresolved } = allProperties(model, type);
  if (unresolved !== undefined) findings.add('drift', 'base-type-unresolved', subject, `base type ${shown(unresolved)} is not in the document`);
  const byName = new Map(properties.map((p) => [p.name, p]));
  for (const [name, want] of Object.entries(expected)) {
    const property = byName.get(name);
    if (property === undefined) {
      findings.add('drift', 'property-missing', `${subject}.${name}`, `${subject} has no property ${name}`);
      continue;
    }
    const got = resolveType(model, property.type);
    if ('type' in want) {
      if (got.collection || got.name !== want.type) {
        findings.add('drift', 'property-type', `${subject}.${name}`, `${subject}.${name} is ${shown(property.type)}, expected ${want.type}`);
      }
      continue;
    }
    const element = model.structuredTypes.get(got.name);
    if (!got.collection || element === undefined || element.kind !== 'complex') {
      findings.add('drift', 'property-type', `${subject}.${name}`, `${subject}.${name} is ${shown(property.type)}, expected a collection of a complex type`);
      continue;
    }
    if (depth < 2) compareComplex(model, element, want.collectionOf, `${subject}.${name}[${shown(element.name)}]`, findings, depth + 1);
  }
  for (const property of bounded(properties.filter((p) => !(p.name in expected)))) {
    findings.add('info', 'property-extra', `${subject}.${property.name}`, `${subject}.${shown(property.name)} (${shown(property.type)}) is not mapped; ignored`);
  }
  return reported(properties);
}

/** The key must be (`id`) and `id` an Edm.String. */
function checkKey(
  model: CsdlModel,
  label: string,
  byName: ReadonlyMap<string, CsdlProperty>,
  key: string[],
  unresolved: string | undefined,
  findings: Findings,
): void {
  const id = byName.get('id');
  if (id === undefined) findings.add('drift', 'property-missing', `${label}.id`, `${label} has no property id`);
  else if (resolveType(model, id.type).name !== EDM_STRING || resolveType(model, id.type).collection) {
    findings.add('drift', 'property-type', `${label}.id`, `${label}.id is ${shown(id.type)}, expected Edm.String`);
  }
  if (unresolved === undefined && !(key.length === 1 && key[0] === 'id')) {
    findings.add('drift', 'key-changed', label, `the key is (${key.map(shown).join(', ')}), expected (id)`);
  }
}

/** A property that must be an Edm.String. */
function checkString(model: CsdlModel, label: string, name: string, property: CsdlProperty | undefined, findings: Findings): void {
  if (property === undefined) {
    findings.add('drift', 'property-missing', `${label}.${name}`, `${label} has no property ${name}`);
    return;
  }
  const type = resolveType(model, property.type);
  if (type.collection || type.name !== EDM_STRING) {
    findings.add('drift', 'property-type', `${label}.${name}`, `${label}.${name} is ${shown(property.type)}, expected Edm.String`);
  }
}

/** Builds the report from a model. */
export function compareMetadata(model: CsdlModel): MetadataReport {
  const findings = new Findings();
  const report: MetadataReport = {
    verdict: 'fine',
    errorShape: undefined,
    operation: undefined,
    status: undefined,
    error: undefined,
    connection: undefined,
    connectionState: undefined,
    findings: findings.list,
  };
  const operationType = checkOperation(model, report, findings);
  checkConnection(model, operationType, report, findings);
  report.verdict = findings.list.some((f) => f.level === 'drift') ? 'drift' : 'fine';
  return report;
}

/** Checks connectionOperation; returns its qualified name (unshown), or undefined when there is none. */
function checkOperation(model: CsdlModel, report: MetadataReport, findings: Findings): string | undefined {
  const { chosen, others } = findEntityType(model, OPERATION_NAME);
  if (chosen === undefined) {
    findings.add('drift', 'operation-missing', OPERATION_NAME, 'the document has no connectionOperation entity type');
    return undefined;
  }
  for (const other of bounded(others)) {
    findings.add('info', 'operation-other', other, `another connectionOperation type, ${shown(other)}, is ignored`);
  }
  const { properties, key, unresolved } = allProperties(model, chosen);
  report.operation = { type: shown(`${chosen.namespace}.${chosen.name}`), key: key.map(shown), properties: reported(properties) };
  if (unresolved !== undefined) {
    findings.add('drift', 'base-type-unresolved', OPERATION_NAME, `base type ${shown(unresolved)} is not in the document, so inherited properties (the key id) cannot be checked`);
  }
  const byName = new Map(properties.map((p) => [p.name, p]));
  checkKey(model, OPERATION_NAME, byName, key, unresolved, findings);

  report.status = checkEnum(model, byName.get(STATUS_SPEC.property), STATUS_SPEC, findings);
  checkError(model, byName.get('error'), report, findings);

  for (const property of bounded(properties.filter((p) => !['id', 'status', 'error'].includes(p.name)))) {
    findings.add('info', 'property-extra', `connectionOperation.${property.name}`, `connectionOperation.${shown(property.name)} (${shown(property.type)}) is not mapped; ignored`);
  }
  return `${chosen.namespace}.${chosen.name}`;
}

/** Checks externalConnection, whose `operations` must lead to `operationType` (when there is one). */
function checkConnection(model: CsdlModel, operationType: string | undefined, report: MetadataReport, findings: Findings): void {
  const { chosen, others } = findEntityType(model, CONNECTION_NAME);
  if (chosen === undefined) {
    findings.add(
      'info',
      'connection-missing',
      CONNECTION_NAME,
      'the document has no externalConnection entity type (an older service): the connection fields (externalConnection, externalConnections, ExternalConnection.operations) cannot be served from it',
    );
    return;
  }
  for (const other of bounded(others)) {
    findings.add('info', 'connection-other', other, `another externalConnection type, ${shown(other)}, is ignored`);
  }
  const { properties, navigationProperties, key, unresolved } = allProperties(model, chosen);
  report.connection = {
    type: shown(`${chosen.namespace}.${chosen.name}`),
    key: key.map(shown),
    properties: reported(properties),
    navigationProperties: reported(navigationProperties),
  };
  if (unresolved !== undefined) {
    findings.add('drift', 'base-type-unresolved', CONNECTION_NAME, `base type ${shown(unresolved)} is not in the document, so inherited properties (the key id) cannot be checked`);
  }
  const byName = new Map(properties.map((p) => [p.name, p]));
  checkKey(model, CONNECTION_NAME, byName, key, unresolved, findings);
  for (const [name, kind] of Object.entries(CONNECTION_PROPERTIES)) {
    if (kind === 'string') checkString(model, CONNECTION_NAME, name, byName.get(name), findings);
  }
  report.connectionState = checkEnum(model, byName.get(STATE_SPEC.property), STATE_SPEC, findings);

  const operations = navigationProperties.find((p) => p.name === OPERATIONS_NAVIGATION);
  const subject = `${CONNECTION_NAME}.${OPERATIONS_NAVIGATION}`;
  const expected = operationType === undefined ? `a collection of ${OPERATION_NAME}` : `Collection(${shown(operationType)})`;
  if (operations === undefined) {
    findings.add('drift', 'navigation-missing', subject, `${CONNECTION_NAME} has no navigation property ${OPERATIONS_NAVIGATION} (expected ${expected})`);
  } else {
    const target = resolveType(model, operations.type);
    // Without a connectionOperation there is nothing to compare the target with (that is drift already).
    if (!target.collection || (operationType !== undefined && target.name !== operationType)) {
      findings.add('drift', 'navigation-type', subject, `${subject} is ${shown(operations.type)}, expected ${expected}`);
    }
  }

  const mapped: ReadonlySet<string> = new Set(['id', ...Object.keys(CONNECTION_PROPERTIES)]);
  for (const property of bounded(properties.filter((p) => !mapped.has(p.name)))) {
    findings.add('info', 'property-extra', `${CONNECTION_NAME}.${property.name}`, `${CONNECTION_NAME}.${shown(property.name)} (${shown(property.type)}) is not mapped; ignored`);
  }
}

/** Checks a property that must be an evolvable enum; returns the enum found (undefined when it is not one). */
function checkEnum(model: CsdlModel, property: CsdlProperty | undefined, spec: EnumSpec, findings: Findings): ReportedEnum | undefined {
  const subject = `${spec.owner}.${spec.property}`;
  if (property === undefined) {
    findings.add('drift', 'property-missing', subject, `${spec.owner} has no property ${spec.property}`);
    return undefined;
  }
  const type = resolveType(model, property.type);
  const enumType = model.enumTypes.get(type.name);
  if (type.collection || enumType === undefined || enumType.name !== spec.enumName) {
    findings.add('drift', spec.codes.type, subject, `${subject} is ${shown(property.type)}, expected the enum ${spec.enumName}`);
    return undefined;
  }
  if (enumType.isFlags) findings.add('drift', spec.codes.flags, spec.enumName, `${spec.enumName} is a flags enum: a value could combine members`);
  const names = new Set(enumType.members.map((m) => m.name));
  for (const member of spec.required) {
    if (!names.has(member)) findings.add('drift', spec.codes.missing, `${spec.enumName}.${member}`, `${spec.enumName} has no member ${member}`);
  }
  if (spec.optional !== undefined && !names.has(spec.optional.member)) {
    findings.add('info', spec.optional.code, `${spec.enumName}.${spec.optional.member}`, `${spec.enumName} has no ${spec.optional.member} (an older service); fine`);
  }
  for (const member of bounded(enumType.members.filter((m) => !spec.known.has(m.name)))) {
    findings.add('info', spec.codes.extra, `${spec.enumName}.${member.name}`, `${spec.enumName}.${shown(member.name)} is new to the gateway; it reads as UNKNOWN_FUTURE_VALUE`);
  }
  return {
    type: shown(type.name),
    members: bounded(enumType.members).map((m) => ({ name: shown(m.name), value: m.value === undefined ? undefined : shown(m.value) })),
  };
}

function checkError(model: CsdlModel, property: CsdlProperty | undefined, report: MetadataReport, findings: Findings): void {
  if (property === undefined) {
    findings.add('drift', 'property-missing', 'connectionOperation.error', 'connectionOperation has no property error');
    return;
  }
  const type = resolveType(model, property.type);
  const shape = (Object.keys(ERROR_SHAPES) as ErrorShape[]).find((s) => ERROR_SHAPES[s].type === type.name);
  const complex = model.structuredTypes.get(type.name);
  if (type.collection || shape === undefined || complex === undefined || complex.kind !== 'complex') {
    findings.add(
      'drift',
      'error-type-unknown',
      'connectionOperation.error',
      `connectionOperation.error is ${shown(property.type)}, expected microsoft.graph.errorDetail or microsoft.graph.publicError${shape !== undefined && complex === undefined ? ' (declared nowhere in the document)' : ''}`,
    );
    return;
  }
  report.errorShape = shape;
  const properties = compareComplex(model, complex, ERROR_SHAPES[shape].properties, shape, findings, 1);
  report.error = { type: shown(type.name), properties };
}

/** Reads CSDL text and compares it. Never throws. */
export function checkMetadataText(xml: string, limits?: CsdlLimits): MetadataCheckResult {
  const read = readCsdl(xml, limits);
  if (!read.ok) return { readable: false, problem: read.problem };
  // Well-formed XML without a schema (a sign-in page, a proxy's error page) is no answer to compare.
  if (read.model.namespaces.length === 0) return { readable: false, problem: 'not a CSDL document: it has no Schema' };
  return { readable: true, report: compareMetadata(read.model) };
}

/** The report as text for a terminal or a log: verdict, what was found, then each finding. */
export function formatReport(report: MetadataReport): string {
  const properties = (list: ReportedProperty[]) => list.map((p) => `${p.name}: ${p.type}`).join(', ');
  const entity = (e: { type: string; key: string[]; properties: ReportedProperty[] }) => `  ${e.type} (key ${e.key.join(', ') || 'none'}): ${properties(e.properties)}`;
  const members = (e: ReportedEnum) => `  ${e.type}: ${e.members.map((m) => (m.value === undefined ? m.name : `${m.name}=${m.value}`)).join(', ')}`;
  const lines: string[] = [];
  lines.push(report.verdict === 'fine' ? 'upstream $metadata: fine (matches what the gateway maps)' : 'upstream $metadata: DRIFT (differs from what the gateway maps)');
  lines.push(`  error shape: ${report.errorShape ?? 'unknown'}`);
  if (report.operation) lines.push(entity(report.operation));
  if (report.status) lines.push(members(report.status));
  if (report.error) lines.push(`  ${report.error.type}: ${properties(report.error.properties)}`);
  if (report.connection) lines.push(`${entity(report.connection)}; navigation: ${properties(report.connection.navigationProperties) || 'none'}`);
  if (report.connectionState) lines.push(members(report.connectionState));
  for (const finding of report.findings) lines.push(`  ${finding.level === 'drift' ? 'DRIFT' : 'info '} ${finding.message}`);
  return lines.join('\n');
}
