/**
 * The operations Graph starts itself (lifecycle.ts), on a store with a clock the test moves: when jobs settle,
 * what they do to the store, their timers, and the switches' validation.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_LIFECYCLE, createOperationRunner, validateOperationDelay, withLifecycle } from '../src/lifecycle.js';
import type { ApiVersion } from '../src/model.js';
import { type StoredSchema, createStore } from '../src/store.js';

const GOOD: StoredSchema = { baseType: 'microsoft.graph.externalItem', properties: [{ name: 'title', type: 'string', isSearchable: true, isRetrievable: true, labels: ['title'] }] };
const BAD: StoredSchema = { baseType: 'microsoft.graph.externalItem', properties: [{ name: 'n', type: 'int64', isSearchable: true }] };

function setup(delayMs: number, apiVersion: ApiVersion = 'v1.0') {
  const store = createStore(apiVersion);
  const clock = { t: 1000 };
  const errors: unknown[] = [];
  const runner = createOperationRunner({ store, apiVersion, delayMs, now: () => clock.t, onError: (e) => errors.push(e) });
  store.insertConnection({ id: 'c1', name: 'C1' });
  return { store, clock, runner, errors };
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('operation runner', () => {
  it('a registration is inprogress until its due time, then completes: schema stored, connection ready', () => {
    const { store, clock, runner } = setup(500);
    const id = runner.startRegistration('', 'c1', GOOD);
    expect(store.getOperation('c1', id)).toMatchObject({ status: 'inprogress', error: null });
    expect(runner.registration('', 'c1')).toEqual({ operationId: id });
    clock.t += 499;
    runner.settleDue();
    expect(store.getOperation('c1', id)?.status).toBe('inprogress');
    expect(store.getSchema('c1')).toBeUndefined();
    clock.t += 1;
    runner.settleDue();
    expect(store.getOperation('c1', id)).toMatchObject({ status: 'completed', error: null });
    expect(store.getSchema('c1')).toEqual(GOOD);
    expect(store.getConnection('c1')?.state).toBe('ready');
    expect(runner.registration('', 'c1')).toBeUndefined();
    runner.clear();
  });

  it('a registration that breaks the rules fails with a publicError (v1.0), and stores no schema', () => {
    const { store, runner } = setup(0);
    const id = runner.startRegistration('', 'c1', BAD);
    runner.settleDue();
    const op = store.getOperation('c1', id)!;
    expect(op.status).toBe('failed');
    expect(op.error).toEqual({
      code: 'InvalidSchema',
      message: 'The schema was not registered: it has one problem (see details).',
      details: [{ code: 'InvalidSearchableProperty', message: expect.stringContaining("'n' of type int64 cannot be searchable") as string, target: 'properties/n' }],
    });
    expect(store.getSchema('c1')).toBeUndefined();
    expect(store.getConnection('c1')?.state).toBe('draft');
  });

  it('in the beta mode the error is an errorDetail, the targets as the sources', () => {
    const { store, runner } = setup(0, 'beta');
    const id = runner.startRegistration('', 'c1', BAD);
    runner.settleDue();
    expect(store.getOperation('c1', id)?.error).toEqual({
      errorCode: 'InvalidSchema',
      message: 'The schema was not registered: it has one problem (see details).',
      details: [{ source: 'properties/n', message: expect.stringContaining('cannot be searchable') as string }],
    });
  });

  it('a failed re-registration keeps the schema registered before', () => {
    const { store, runner } = setup(0);
    store.putSchema('c1', GOOD);
    runner.startRegistration('', 'c1', BAD);
    runner.settleDue();
    expect(store.getSchema('c1')).toEqual(GOOD);
  });

  it('a deletion removes the connection with its operations, its own too, and drops its pending registration', () => {
    const { store, clock, runner } = setup(100);
    const registration = runner.startRegistration('', 'c1', GOOD);
    clock.t += 50;
    const deletion = runner.startDeletion('', 'c1', true)!;
    expect(runner.deletion('', 'c1')).toEqual({ operationId: deletion });
    expect(store.getOperation('c1', deletion)?.status).toBe('inprogress');
    clock.t += 50;
    runner.settleDue(); // the registration is due first: it completes
    expect(store.getOperation('c1', registration)?.status).toBe('completed');
    clock.t += 50;
    runner.settleDue();
    expect(store.getConnection('c1')).toBeUndefined();
    expect(store.getOperation('c1', deletion)).toBeUndefined();
    expect(runner.pending).toBe(0);
  });

  it('a deletion drops the registrations that are not due yet; re-creating the connection does not revive them', () => {
    const { store, clock, runner } = setup(100);
    runner.startDeletion('', 'c1', false);
    clock.t += 10;
    runner.startRegistration('', 'c1', GOOD);
    clock.t += 90;
    runner.settleDue();
    expect(runner.pending).toBe(0);
    store.insertConnection({ id: 'c1', name: 'again' });
    clock.t += 1000;
    runner.settleDue();
    expect(store.getSchema('c1')).toBeUndefined();
  });

  it('registration() and deletion() find the job of their kind, connection and tenant only', () => {
    const { store, runner } = setup(Number.POSITIVE_INFINITY);
    store.insertConnection({ id: 'c1', name: 'C1' }, 't2');
    const deletion = runner.startDeletion('', 'c1', true);
    expect(runner.registration('', 'c1')).toBeUndefined();
    expect(runner.deletion('', 'c1')).toEqual({ operationId: deletion });
    const registration = runner.startRegistration('t2', 'c1', GOOD);
    expect(runner.deletion('t2', 'c1')).toBeUndefined();
    expect(runner.registration('t2', 'c1')).toEqual({ operationId: registration });
    expect(runner.registration('', 'c2')).toBeUndefined();
    runner.dropJobs('t2', 'c1');
    expect(runner.deletion('', 'c1')).toEqual({ operationId: deletion });
    expect(runner.settleAll()).toBe(1);
    expect(store.getConnection('c1', 't2')).toBeDefined(); // another tenant's connection of the same id stays
  });

  it('a deletion without an operation creates none', () => {
    const { store, runner } = setup(0);
    expect(runner.startDeletion('', 'c1', false)).toBeUndefined();
    expect(store.listOperations('c1')).toEqual([]);
    runner.settleDue();
    expect(store.getConnection('c1')).toBeUndefined();
  });

  it('a job of a connection deleted meanwhile (or another tenant) does nothing', () => {
    const { store, runner } = setup(0);
    store.insertConnection({ id: 'c1', name: 'other tenant' }, 't2');
    runner.startRegistration('', 'c1', GOOD);
    store.deleteConnection('c1');
    runner.settleDue();
    expect(store.getConnection('c1')).toBeUndefined();
    expect(store.getSchema('c1', 't2')).toBeUndefined();
    expect(store.getConnection('c1', 't2')?.state).toBe('draft');
  });

  it('dropJobs forgets the pending jobs of one connection only', () => {
    const { store, runner } = setup(Number.POSITIVE_INFINITY);
    store.insertConnection({ id: 'c2', name: 'C2' });
    runner.startRegistration('', 'c1', GOOD);
    runner.startRegistration('', 'c2', GOOD);
    runner.dropJobs('', 'c1');
    expect(runner.pending).toBe(1);
    expect(runner.settleAll()).toBe(1);
    expect(store.getSchema('c1')).toBeUndefined();
    expect(store.getSchema('c2')).toEqual(GOOD);
  });

  it('settleAll goes in start order: a deletion drops the later jobs of its connection, which are not counted', () => {
    const { store, runner } = setup(Number.POSITIVE_INFINITY);
    runner.startDeletion('', 'c1', true);
    runner.startRegistration('', 'c1', GOOD);
    expect(runner.settleAll()).toBe(1);
    expect(store.getConnection('c1')).toBeUndefined();
    expect(runner.pending).toBe(0);
  });

  it('the due time is fixed at the start: a later delay applies to later jobs only; Infinity waits for settleAll', () => {
    const { store, clock, runner } = setup(100);
    const first = runner.startRegistration('', 'c1', GOOD);
    runner.delayMs = Number.POSITIVE_INFINITY;
    store.insertConnection({ id: 'c2', name: 'C2' });
    const second = runner.startRegistration('', 'c2', GOOD);
    clock.t += 1e9;
    runner.settleDue();
    expect(store.getOperation('c1', first)?.status).toBe('completed');
    expect(store.getOperation('c2', second)?.status).toBe('inprogress');
    expect(runner.settleAll()).toBe(1);
    expect(store.getOperation('c2', second)?.status).toBe('completed');
    expect(runner.settleAll()).toBe(0);
  });

  it('settles without being asked: an unref\'d timer per job', async () => {
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const store = createStore('v1.0');
    store.insertConnection({ id: 'c1', name: 'C1' });
    const runner = createOperationRunner({ store, apiVersion: 'v1.0', delayMs: 20, onError: () => {} });
    const id = runner.startRegistration('', 'c1', GOOD);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0]?.[1]).toBe(20);
    const timer = spy.mock.results[0]?.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    await vi.waitFor(() => expect(store.getOperation('c1', id)?.status).toBe('completed'), { timeout: 2000, interval: 5 });
  });

  it('arms no timer for Infinity or beyond what setTimeout can wait', () => {
    const spy = vi.spyOn(globalThis, 'setTimeout');
    for (const delayMs of [Number.POSITIVE_INFINITY, 2 ** 31]) {
      const { runner } = setup(delayMs);
      runner.startRegistration('', 'c1', GOOD);
      expect(runner.pending).toBe(1);
    }
    expect(spy).not.toHaveBeenCalled();
    const { runner } = setup(2 ** 31 - 1);
    runner.startRegistration('', 'c1', GOOD);
    expect(spy).toHaveBeenCalledTimes(1);
    runner.clear();
  });

  it('clearTimers stops the timers and keeps the jobs; clear forgets both', () => {
    vi.useFakeTimers();
    const { store, runner, clock } = setup(100);
    const id = runner.startRegistration('', 'c1', GOOD);
    expect(vi.getTimerCount()).toBe(1);
    runner.clearTimers();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(store.getOperation('c1', id)?.status).toBe('inprogress');
    clock.t += 100;
    runner.settleDue(); // still settles lazily
    expect(store.getOperation('c1', id)?.status).toBe('completed');

    store.insertConnection({ id: 'c2', name: 'C2' });
    runner.startRegistration('', 'c2', GOOD);
    expect(vi.getTimerCount()).toBe(1);
    runner.clear();
    expect(vi.getTimerCount()).toBe(0);
    expect(runner.pending).toBe(0);
  });

  it('a timer that finds its job settled already does nothing; an error while settling goes to onError', () => {
    vi.useFakeTimers();
    const { store, runner, errors } = setup(100);
    runner.startRegistration('', 'c1', GOOD);
    expect(runner.settleAll()).toBe(1);
    const etag = store.getConnection('c1')!.etag;
    vi.advanceTimersByTime(200);
    expect(store.getConnection('c1')!.etag).toBe(etag);

    store.insertConnection({ id: 'c2', name: 'C2' });
    runner.startRegistration('', 'c2', GOOD);
    vi.spyOn(store, 'putSchema').mockImplementation(() => {
      throw new Error('boom');
    });
    vi.advanceTimersByTime(200);
    expect(errors).toEqual([new Error('boom')]);
  });
});

describe('lifecycle switches and delay', () => {
  it('changes the named switches, keeps the others', () => {
    expect(withLifecycle(DEFAULT_LIFECYCLE, {})).toEqual({ schemaRegistration: 'operation', connectionDeletion: 'operation' });
    expect(withLifecycle(DEFAULT_LIFECYCLE, { schemaRegistration: 'created', connectionDeletion: undefined })).toEqual({ schemaRegistration: 'created', connectionDeletion: 'operation' });
    expect(withLifecycle({ schemaRegistration: 'ok', connectionDeletion: 'accepted' }, { connectionDeletion: 'noContent' })).toEqual({ schemaRegistration: 'ok', connectionDeletion: 'noContent' });
  });

  it.each([
    [null, 'must be an object'],
    [['ok'], 'must be an object'],
    [{ schemaRegistraton: 'ok' }, "Unknown lifecycle option 'schemaRegistraton'"],
    [{ schemaRegistration: 'noContent' }, "schemaRegistration must be 'operation', 'ok', 'created'"],
    [{ connectionDeletion: 'ok' }, "connectionDeletion must be 'operation', 'accepted', 'noContent'"],
    [{ connectionDeletion: 1 }, 'received 1'],
  ])('refuses %j', (partial, message) => {
    expect(() => withLifecycle(DEFAULT_LIFECYCLE, partial)).toThrow(TypeError);
    expect(() => withLifecycle(DEFAULT_LIFECYCLE, partial)).toThrow(message);
  });

  it('a delay is a non-negative number, Infinity included', () => {
    for (const ms of [0, 1.5, 3000, Number.POSITIVE_INFINITY]) expect(validateOperationDelay(ms)).toBe(ms);
    for (const ms of [-1, Number.NaN, '10', undefined, null]) expect(() => validateOperationDelay(ms)).toThrow(/non-negative number/);
    const { runner } = setup(5);
    expect(() => {
      runner.delayMs = -5;
    }).toThrow(TypeError);
    expect(runner.delayMs).toBe(5);
  });
});
