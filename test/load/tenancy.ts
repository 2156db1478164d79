/**
 * The two tenants of the run and the tenancy check applied to every id a client receives. Client-chosen
 * ids carry their tenant's prefix (`alice-…`), so a foreign id is recognised at once; ids the upstream
 * generated carry none, so they are collected per tenant and checked against the stores after the run.
 */
import type { Violations } from './violations.js';

export const TENANTS = ['alice', 'bob'] as const;
export type Tenant = (typeof TENANTS)[number];

export function otherTenant(tenant: Tenant): Tenant {
  return tenant === 'alice' ? 'bob' : 'alice';
}

/** The tenant whose prefix `id` carries, or undefined for an upstream-generated id. */
export function tenantOfId(id: string): Tenant | undefined {
  return TENANTS.find((tenant) => id.startsWith(`${tenant}-`));
}

export class TenancyCheck {
  /** Upstream-generated ids each tenant received: checked against the stores after the run. */
  readonly generatedSeen = new Map<Tenant, Set<string>>(TENANTS.map((t) => [t, new Set<string>()]));
  checked = 0;

  constructor(private readonly violations: Violations) {}

  /** Called for every operation id a response of `tenant` contained. */
  check(tenant: Tenant, id: string, where: string): void {
    this.checked += 1;
    const owner = tenantOfId(id);
    if (owner === undefined) this.generatedSeen.get(tenant)!.add(id);
    else if (owner !== tenant) this.violations.add('tenancy: a response contained another tenant\'s operation', `${where}: tenant ${tenant} received ${id}`);
  }
}
