import type { DriftChange } from '../plan/changes.js';
import { driftText } from '../plan/drift-text.js';
import type { CheckRow } from './checks.js';

/**
 * What every stage of the API serves (someone's, or the stack's own: `own`), judged against the stack's policy (src/resources/stage-policy.ts), as
 * verify rows: a secured method served open on any stage fails the proof ("secured" means every stage), a method
 * served open outside the allow-list fails it too, a stage that could not be checked is said. Needs no user.
 */
export function stagePolicyRows(drift: DriftChange[], stage: string, own = false): CheckRow[] {
  const rows: CheckRow[] = [];
  for (const d of drift) {
    const [verb = '*', path = '*'] = (d.context?.method ?? '* *').split(' ');
    const on = d.context?.stage ?? stage;
    const served = `${String(d.after)} on stage ${on} (deployment ${d.context?.deployment ?? '?'})`;
    if (d.path === 'served.authorizationType' || d.path === 'otherStage.authorizationType' || d.path === 'canary.authorizationType') {
      rows.push({
        route: path, method: verb, check: 'stage-policy', expected: `COGNITO_USER_POOLS on stage ${on}`, got: served, ok: false,
        severity: d.after === 'NONE' ? 'critical' : 'error', note: driftText(d),
      });
    } else if (d.path === 'served.openMethod') {
      rows.push({
        route: path, method: verb, check: 'stage-policy', expected: 'secured, or left open by choice', got: served, ok: false, severity: 'error',
        // On the stack's own API the routes are the policy (status/fixes.ts says the same); on theirs, the allow-list.
        note: own
          ? `${driftText(d)}: delete it from the API, or add it to the stack (secure-api routes add)`
          : `${driftText(d)}: secure it with init --secure-add "${verb} ${path}", or leave it open on purpose with --secure-remove`,
      });
    } else if (d.path === 'served.unchecked') {
      rows.push({ route: '*', method: '*', check: 'stage-policy', expected: `what stage ${on} serves`, got: 'no apiSummary', ok: false, severity: 'error', note: driftText(d) });
    }
  }
  if (!rows.length) {
    rows.push({ route: '*', method: '*', check: 'stage-policy', expected: 'every stage serves the policy', got: 'secured methods behind the authorizer, nothing else open', ok: true, severity: 'error' });
  }
  return rows;
}
