/**
 * The package's public surface: what the gateway (only when UPSTREAM_URL is unset), its tests, the load
 * tests and the benchmark use. Everything else under src/ is internal; this package's own tests import it
 * by relative path.
 */
export {
  DEFAULT_OPERATION_DELAY_MS,
  MAX_BATCH_REQUESTS,
  createODataService,
  type ApiVersion,
  type ConnectionDeletion,
  type FaultKind,
  type FaultRule,
  type LifecycleOptions,
  type ODataService,
  type ODataServiceOptions,
  type OperationsApi,
  type PagingOptions,
  type RecordedRequest,
  type SchemaRegistration,
  type ServiceQuirks,
  type SkipHandling,
} from './service.js';
export type {
  ConnectionInput,
  ErrorDetail,
  InnerErrorDetail,
  InsertConnectionResult,
  InsertResult,
  ODataStore,
  OperationInput,
  PublicError,
  PublicErrorDetail,
  PublicInnerError,
  StoredConnection,
  StoredError,
  StoredOperation,
  StoredSchema,
  StoredSchemaProperty,
} from './store.js';
export { metadataXml } from './metadata.js';
export { metadataV1Xml } from './metadata-v1.js';
