import type { AwsClients } from '../aws/clients.js';
import { lookupUserPool } from '../resources/existing-lookup.js';
import type { StateFile } from '../state/schema.js';

/** What destroy does with a stack that holds the user's own resources (issue 12): deletes ours, puts back, keeps theirs. */
export interface DestroyScope { deleted: number; restored: number; kept: string[] }

/** "API legacy-orders", "pool blog-userpool (12 users)": what destroy never deletes, with the pool's user count read live. */
export async function destroyScope(state: StateFile, clients: AwsClients | undefined): Promise<DestroyScope> {
  const nodes = Object.values(state.nodes);
  const kept: string[] = [];
  for (const r of nodes) {
    if (r.kind === 'existing-rest-api') kept.push(`API ${r.label}`);
    if (r.kind === 'existing-user-pool') {
      const users = clients && r.out.userPoolId ? (await lookupUserPool(clients, r.out.userPoolId).catch(() => undefined))?.users : undefined;
      kept.push(`pool ${r.label}${users === undefined ? '' : ` (${users} user${users === 1 ? '' : 's'})`}`);
    }
  }
  return {
    deleted: nodes.filter((r) => r.owned !== 'adopted').length,
    restored: nodes.filter((r) => r.owned === 'adopted' && r.prior !== undefined).length,
    kept,
  };
}

export function scopeText(s: DestroyScope): string {
  return `${s.restored ? `, ${s.restored} put back as they were` : ''}; keeps: ${s.kept.join(', ')}`;
}
