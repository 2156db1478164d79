/**
 * The `$metadata` drift check: compares an upstream's CSDL with what the gateway maps (the
 * connectionOperation properties `id`, `status`, `error`; the connectionOperationStatus members of
 * enums.ts; the properties of the error's complex type) and chooses the error shape writes must send.
 *
 * Pure: CSDL text in, a report out. Findings come in two levels:
 * - `drift`: something the gateway maps is missing or changed (a property gone or of another type, a
 *   known status member gone, an unknown error type, no connectionOperation at all). Reads or writes
 *   would lose data or fail.
 * - `info`: differences the gateway deliberately ignores (extra properties, status members after the
 *   ones it knows, which read as UNKNOWN_FUTURE_VALUE; a service without `unknownFutureValue`).
 *
 * Every name shown comes from the upstream's document, so each is cut to a bounded length and the lists
 * are bounded: a hostile document cannot make the report (and the log line built from it) large.
 */
import { readCsdl, resolveType, type CsdlLimits, type CsdlModel, type CsdlStructuredType } from './csdl.js';
import { ODataStatus } from './enums.js';
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
    | 'base-type-unresolved';
  /** What it is about, e.g. `connectionOperation.status` or `connectionOperationStatus.failed`. */
  subject: string;
  message: string;
}

export interface ReportedProperty {
  name: string;
  type: string;
}

export interface MetadataReport {
  /** `fine` when there is no drift finding (info findings do not count). */
  verdict: 'fine' | 'drift';
  /** The error shape the upstream uses; undefined when its error type is not one the gateway knows. */
  errorShape: ErrorShape | undefined;
  /** The connectionOperation entity type found, with its properties (inherited ones included). */
  operation: { type: string; key: string[]; properties: ReportedProperty[] } | undefined;
  status: { type: string; members: Array<{ name: string; value: string | undefined }> } | undefined;
  error: { type: string; properties: ReportedProperty[] } | undefined;
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
/** Where connectionOperation has lived: today's services, then the 2019-2020 beta. */
const PREFERRED_NAMESPACES = ['microsoft.graph.externalConnectors', 'microsoft.graph'];

/** Members every service has; `unknownFutureValue` came later and is optional. */
const REQUIRED_STATUS_MEMBERS: readonly string[] = [ODataStatus.UNSPECIFIED, ODataStatus.IN_PROGRESS, ODataStatus.COMPLETED, ODataStatus.FAILED];

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

/** The properties of a structured type with those of its base types (base first), and any problem on the way. */
function allProperties(model: CsdlModel, type: CsdlStructuredType): { properties: CsdlStructuredType['properties']; key: string[]; unresolved?: string } {
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
  return { properties: chain.flatMap((t) => t.properties), key, unresolved };
}

function findOperationType(model: CsdlModel): { chosen: CsdlStructuredType | undefined; others: string[] } {
  const candidates = [...model.structuredTypes.values()].filter((t) => t.kind === 'entity' && t.name === OPERATION_NAME);
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
  return bounded(properties).map((p) => ({ name: shown(p.name), type: shown(p.type) }));
}

/** Builds the report from a model. */
export function compareMetadata(model: CsdlModel): MetadataReport {
  const findings = new Findings();
  const report: MetadataReport = { verdict: 'fine', errorShape: undefined, operation: undefined, status: undefined, error: undefined, findings: findings.list };
  const { chosen, others } = findOperationType(model);
  if (chosen === undefined) {
    findings.add('drift', 'operation-missing', OPERATION_NAME, 'the document has no connectionOperation entity type');
    report.verdict = 'drift';
    return report;
  }
  for (const other of bounded(others)) {
    findings.add('info', 'operation-other', other, `another connectionOperation type, ${shown(other)}, is ignored`);
  }
  const { properties, key, unresolved } = allProperties(model, chosen);
  report.operation = {
    type: shown(`${chosen.namespace}.${chosen.name}`),
    key: key.map(shown),
    properties: bounded(properties).map((p) => ({ name: shown(p.name), type: shown(p.type) })),
  };
  if (unresolved !== undefined) {
    findings.add('drift', 'base-type-unresolved', OPERATION_NAME, `base type ${shown(unresolved)} is not in the document, so inherited properties (the key id) cannot be checked`);
  }
  const byName = new Map(properties.map((p) => [p.name, p]));

  const id = byName.get('id');
  if (id === undefined) findings.add('drift', 'property-missing', 'connectionOperation.id', 'connectionOperation has no property id');
  else if (resolveType(model, id.type).name !== EDM_STRING || resolveType(model, id.type).collection) {
    findings.add('drift', 'property-type', 'connectionOperation.id', `connectionOperation.id is ${shown(id.type)}, expected Edm.String`);
  }
  if (unresolved === undefined && !(key.length === 1 && key[0] === 'id')) {
    findings.add('drift', 'key-changed', 'connectionOperation', `the key is (${key.map(shown).join(', ')}), expected (id)`);
  }

  checkStatus(model, byName.get('status'), report, findings);
  checkError(model, byName.get('error'), report, findings);

  for (const property of bounded(properties.filter((p) => !['id', 'status', 'error'].includes(p.name)))) {
    findings.add('info', 'property-extra', `connectionOperation.${property.name}`, `connectionOperation.${shown(property.name)} (${shown(property.type)}) is not mapped; ignored`);
  }
  report.verdict = findings.list.some((f) => f.level === 'drift') ? 'drift' : 'fine';
  return report;
}

function checkStatus(model: CsdlModel, property: CsdlStructuredType['properties'][number] | undefined, report: MetadataReport, findings: Findings): void {
  if (property === undefined) {
    findings.add('drift', 'property-missing', 'connectionOperation.status', 'connectionOperation has no property status');
    return;
  }
  const type = resolveType(model, property.type);
  const enumType = model.enumTypes.get(type.name);
  if (type.collection || enumType === undefined || enumType.name !== STATUS_ENUM_NAME) {
    findings.add('drift', 'status-type', 'connectionOperation.status', `connectionOperation.status is ${shown(property.type)}, expected the enum ${STATUS_ENUM_NAME}`);
    return;
  }
  report.status = {
    type: shown(type.name),
    members: bounded(enumType.members).map((m) => ({ name: shown(m.name), value: m.value === undefined ? undefined : shown(m.value) })),
  };
  if (enumType.isFlags) findings.add('drift', 'status-flags', STATUS_ENUM_NAME, `${STATUS_ENUM_NAME} is a flags enum: a status could combine members`);
  const names = new Set(enumType.members.map((m) => m.name));
  for (const member of REQUIRED_STATUS_MEMBERS) {
    if (!names.has(member)) findings.add('drift', 'status-member-missing', `${STATUS_ENUM_NAME}.${member}`, `${STATUS_ENUM_NAME} has no member ${member}`);
  }
  if (!names.has(ODataStatus.UNKNOWN_FUTURE_VALUE)) {
    findings.add('info', 'status-no-unknown-future-value', `${STATUS_ENUM_NAME}.${ODataStatus.UNKNOWN_FUTURE_VALUE}`, `${STATUS_ENUM_NAME} has no unknownFutureValue (an older service); fine`);
  }
  const known: ReadonlySet<string> = new Set(Object.values(ODataStatus));
  for (const member of bounded(enumType.members.filter((m) => !known.has(m.name)))) {
    findings.add('info', 'status-member-extra', `${STATUS_ENUM_NAME}.${member.name}`, `${STATUS_ENUM_NAME}.${shown(member.name)} is new to the gateway; it reads as UNKNOWN_FUTURE_VALUE`);
  }
}

function checkError(model: CsdlModel, property: CsdlStructuredType['properties'][number] | undefined, report: MetadataReport, findings: Findings): void {
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
  const lines: string[] = [];
  lines.push(report.verdict === 'fine' ? 'upstream $metadata: fine (matches what the gateway maps)' : 'upstream $metadata: DRIFT (differs from what the gateway maps)');
  lines.push(`  error shape: ${report.errorShape ?? 'unknown'}`);
  if (report.operation) {
    lines.push(`  ${report.operation.type} (key ${report.operation.key.join(', ') || 'none'}): ${report.operation.properties.map((p) => `${p.name}: ${p.type}`).join(', ')}`);
  }
  if (report.status) {
    lines.push(`  ${report.status.type}: ${report.status.members.map((m) => (m.value === undefined ? m.name : `${m.name}=${m.value}`)).join(', ')}`);
  }
  if (report.error) lines.push(`  ${report.error.type}: ${report.error.properties.map((p) => `${p.name}: ${p.type}`).join(', ')}`);
  for (const finding of report.findings) lines.push(`  ${finding.level === 'drift' ? 'DRIFT' : 'info '} ${finding.message}`);
  return lines.join('\n');
}
