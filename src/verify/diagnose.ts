import type { CheckRow } from './checks.js';
import { explainAnswer, type AnswerContext, type AnswerDiagnosis } from './explain.js';
import type { WaitRule } from './wait-rule.js';

/**
 * One diagnosis per distinct answer among the failed checks (a leak has its own note, a refused token its own
 * causes): what the answer means, what to do, where it was seen, and whether the wait stopped on it early.
 */
export function diagnoseAnswers(rows: CheckRow[], rule: WaitRule, ctx: AnswerContext): AnswerDiagnosis[] {
  const settled = new Map(rule.settledAnswers().map((s) => [s.answer, s.attempts]));
  const byAnswer = new Map<string, AnswerDiagnosis>();
  for (const row of rows) {
    if (row.ok || row.severity !== 'error' || !row.answer || row.answer === 'ok') continue;
    // A token refused with 401 is explained by explainRejection; a 401 elsewhere is a check's expectation, not a fault.
    if (row.answer === 'unauthorized') continue;
    const answer = row.got.split(', ')[0] ?? row.got;
    let d = byAnswer.get(answer);
    if (!d) {
      const attempts = settled.get(answer);
      d = { answer, kind: row.answer, ...explainAnswer(row.answer, row.route, ctx), where: [], ...(attempts ? { settled: `the wait stopped after ${attempts} identical answers` } : {}) };
      byAnswer.set(answer, d);
    }
    d.where.push(`${row.method} ${row.route} ${row.check}`);
  }
  return [...byAnswer.values()];
}
