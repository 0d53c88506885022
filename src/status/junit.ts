import type { ResourceStatus, RouteStatus, StatusReport } from './schema.js';

/** XML text and attribute escaping (& < > " ' and the control characters XML 1.0 does not allow). */
function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

interface Case { classname: string; name: string; failure?: { message: string; body: string } | undefined; skipped?: string | undefined; error?: string | undefined }

const OFFLINE = 'not read from AWS (--offline)';

function resourceCase(stack: string, r: ResourceStatus, live: boolean): Case {
  const base = { classname: `secure-api.${stack}.resources`, name: `${r.kind} ${r.label || r.id} is as recorded` };
  if (r.state === 'present') return base;
  if (r.state === 'unchecked') return { ...base, skipped: live ? 'not checked' : OFFLINE };
  if (r.state === 'error') return { ...base, error: r.problems.join('; ') || 'could not be read' };
  const body = [
    ...r.problems,
    ...(r.impact ? [`Impact: ${r.impact}`] : []),
    ...(r.fix ? [`Fix: ${r.fix.summary}`, ...r.fix.commands.map((c) => `  ${c}`)] : []),
  ].join('\n');
  return { ...base, failure: { message: `${r.state}: ${r.problems[0] ?? r.state}`, body } };
}

function routeCase(stack: string, r: RouteStatus, live: boolean): Case {
  const name = r.secured ? `${r.method} ${r.path} requires a Cognito token` : `${r.method} ${r.path} (public by design) is served`;
  const base = { classname: `secure-api.${stack}.routes`, name };
  // Live, a route is unchecked only when it is not the stack's: a method of their API left open by choice.
  if (r.state === 'unchecked') return { ...base, skipped: live ? 'left open by choice on an API secure-api does not own: not the stack\'s to check' : OFFLINE };
  if (r.servedOpen) return { ...base, failure: { message: `${r.method} ${r.path} is served without the authorizer`, body: `${r.url} answers without a token: anyone can call it.` } };
  if (r.state !== 'present') return { ...base, failure: { message: `the method serving ${r.method} ${r.path} is ${r.state}`, body: r.url } };
  return base;
}

/** One JUnit test case per check of a status report: each resource as recorded, each route secured (or public by design). */
export function statusJunit(report: StatusReport): string {
  const live = report.checkedAt !== null;
  const cases = [...report.resources.map((r) => resourceCase(report.stack, r, live)), ...report.urls.routes.map((r) => routeCase(report.stack, r, live))];
  const failures = cases.filter((c) => c.failure).length;
  const errors = cases.filter((c) => c.error).length;
  const skipped = cases.filter((c) => c.skipped).length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="secure-api status" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}">`,
    `  <testsuite name="${esc(`secure-api status ${report.stack}`)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" timestamp="${esc(report.checkedAt ?? report.updatedAt)}">`,
    `    <properties><property name="account" value="${esc(report.account)}"/><property name="region" value="${esc(report.region)}"/><property name="state" value="${esc(report.stateFile)}"/></properties>`,
    ...cases.map((c) => {
      const open = `    <testcase classname="${esc(c.classname)}" name="${esc(c.name)}"`;
      if (c.failure) return `${open}>\n      <failure message="${esc(c.failure.message)}" type="drift">${esc(c.failure.body)}</failure>\n    </testcase>`;
      if (c.error) return `${open}>\n      <error message="${esc(c.error)}" type="read"/>\n    </testcase>`;
      if (c.skipped) return `${open}>\n      <skipped message="${esc(c.skipped)}"/>\n    </testcase>`;
      return `${open}/>`;
    }),
    '  </testsuite>',
    '</testsuites>',
    '',
  ];
  return lines.join('\n');
}
