import { describe, expect, it } from 'vitest';
import { checkStageName } from '../config/validators.js';
import { session, testDeps } from '../../test/wizard/deps.js';
import { Draft } from './draft.js';
import { stepDeploy } from './step-5-deploy.js';

describe('step 5 · Deploy', () => {
  it('Enter gives stage dev with no description (as --yes)', async () => {
    const t = testDeps();
    const s = session(t, { stack: 'demo', region: 'eu-west-1' });
    await stepDeploy(s);
    expect(s.draft.input()).toEqual({ stack: 'demo', region: 'eu-west-1', stage: { name: 'dev' } });
    expect(t.flat()).toContain('Step 5 of 6 · Deploy');
    expect(t.flat()).toContain('Invoke URL: https://API_ID.execute-api.eu-west-1.amazonaws.com/dev');
  });

  it('shows the real invoke URL when the API id is known: an API of yours, or a recorded stack\'s', async () => {
    const mine = testDeps();
    await stepDeploy(session(mine, { stack: 'demo', region: 'eu-west-1', existingApi: { id: 'a1b2c3d4e5' } }));
    expect(mine.flat()).toContain('Invoke URL: https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/dev');
    const recorded = testDeps([], { existing: (stack) => (stack === 'demo' ? { stack, region: 'eu-west-1', complete: true, resources: 20, config: {}, apiId: 'z9y8x7w6v5' } : undefined) });
    await stepDeploy(session(recorded, { stack: 'demo', region: 'eu-west-1' }));
    expect(recorded.flat()).toContain('Invoke URL: https://z9y8x7w6v5.execute-api.eu-west-1.amazonaws.com/dev');
    expect(recorded.flat()).not.toContain('API_ID');
  });

  it('an API of yours: deploys into the stage chosen in step 2, asks neither a new stage nor a description it would drop', async () => {
    const t = testDeps();
    const s = session(t, { stack: 'demo', region: 'eu-west-1', existingApi: { id: 'a1b2c3d4e5' }, stage: { name: 'prod' } });
    await stepDeploy(s);
    expect(t.flat()).toContain('Deploy the API into its stage prod');
    expect(t.flat()).not.toContain('create a new stage');
    expect(t.prompter.messages()).not.toContain('Stage description (optional)');
    expect(s.draft.get('stage')).toEqual({ name: 'prod' });
    expect(t.flat()).toContain('Invoke URL: https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod');
  });

  it('a typed stage and description; a bad stage name re-asked', async () => {
    const t = testDeps([['Stage name', 'prod v1'], ['Stage name', 'prod'], ['Stage description', 'Production']]);
    const s = session(t, { stack: 'demo' });
    await stepDeploy(s);
    expect(t.prompter.rejected.map((r) => r.reason)).toEqual([checkStageName('prod v1')]);
    expect(s.draft.get('stage')).toEqual({ name: 'prod', description: 'Production' });
  });

  it('asks nothing that --stage, --stage-description, --tracing, --throttle and --access-log-retention answered', async () => {
    const t = testDeps([], {}, 'fail');
    await stepDeploy(session(t, { stack: 'demo', stage: { name: 'qa', description: '', tracing: true, throttle: { rateLimit: 5, burstLimit: 10 }, accessLog: { retentionDays: 14 } } }));
    expect(t.flat()).toContain('✔ Access log on, kept 14 days (given)');
    expect(t.flat()).toContain('✔ Stage name qa (given)');
    expect(t.flat()).toContain('✔ X-Ray tracing on (given)');
    expect(t.flat()).toContain('✔ Default throttling 5 requests/s, burst 10 (given)');
  });

  it('tracing and throttling: off by default (left out of a new stack), asked on one screen, the limits asked only when throttling is on', async () => {
    const off = testDeps([['Trace requests with AWS X-Ray', false], ['Throttle every method', false], ['Log every request', false]], {}, 'fail');
    const s0 = session(off, { stack: 'demo', stage: { name: 'dev', description: '' } });
    await stepDeploy(s0);
    expect(s0.draft.get('stage')).toEqual({ name: 'dev', description: '' });
    const on = testDeps([['Trace requests with AWS X-Ray', true], ['Throttle every method', true], ['Requests per second', 50], ['Burst', 80], ['Log every request', true], ['Keep the access log', 90]], {}, 'fail');
    const s1 = session(on, { stack: 'demo', stage: { name: 'dev', description: '' } });
    await stepDeploy(s1);
    expect(s1.draft.get('stage')).toEqual({ name: 'dev', description: '', tracing: true, throttle: { rateLimit: 50, burstLimit: 80 }, accessLog: { retentionDays: 90 } });
  });

  it('changing a recorded stack: Enter keeps tracing, throttling and the access log (its format too) as recorded; "no" turns them off (said, over the recorded answers)', async () => {
    const recorded = { stack: 'demo', stage: { name: 'dev', description: '', tracing: true, throttle: { rateLimit: 50, burstLimit: 80 }, accessLog: { retentionDays: 14, format: '$context.requestId' } } };
    const keep = testDeps([]);
    const s0 = session(keep, { stack: 'demo', stage: { name: 'dev', description: '' } });
    s0.recorded = new Draft(recorded);
    await stepDeploy(s0);
    expect(s0.draft.get('stage')).toEqual(recorded.stage);
    const off = testDeps([['Trace requests with AWS X-Ray', false], ['Throttle every method', false], ['Log every request', false]], {}, 'fail');
    const s1 = session(off, { stack: 'demo', stage: { name: 'dev', description: '' } });
    s1.recorded = new Draft(recorded);
    await stepDeploy(s1);
    expect(s1.draft.get('stage')).toEqual({ name: 'dev', description: '', tracing: false, throttle: null, accessLog: null });
  });
});
