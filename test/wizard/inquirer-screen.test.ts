// @inquirer/testing's screen must be imported before anything that imports @inquirer/prompts.
import { screen } from '@inquirer/testing/vitest';
import { describe, expect, it } from 'vitest';
import { checkResourcePath, checkStackName } from '../../src/config/validators.js';
import { InquirerPrompter } from '../../src/ui/inquirer-prompter.js';
import { Draft } from '../../src/wizard/draft.js';
import { WizardSession } from '../../src/wizard/session.js';
import { stepApi } from '../../src/wizard/step-1-api.js';
import { stepRoutes } from '../../src/wizard/step-2-routes.js';
import { askIdentityProviders } from '../../src/wizard/step-3-sign-in.js';
import { testDeps } from './deps.js';

/** A wizard session on the real inquirer prompts, rendered to @inquirer/testing's virtual screen. */
function realSession(known: Record<string, unknown> = {}, env: NodeJS.ProcessEnv = {}): WizardSession {
  const t = testDeps([], { prompter: new InquirerPrompter(), env });
  return new WizardSession(t.deps, new Draft(known));
}

/** Wait until the screen shows `text` (a prompt renders a tick or two after the keypress that led to it). */
async function showing(text: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const now = screen.getScreen();
    if (now.includes(text)) return now;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`the screen never showed "${text}"; it shows:\n${screen.getScreen()}`);
}

async function enter(next: string): Promise<string> {
  screen.keypress('enter');
  return showing(next);
}

describe('the wizard on real inquirer prompts', () => {
  it('step 1: shows defaults, re-asks a bad stack name with the validator\'s reason, takes typed answers and Enter', async () => {
    const s = realSession();
    const done = stepApi(s);
    expect(await showing('? Stack name')).toBe('? Stack name (secure-api)');
    screen.type('My_Shop');
    expect(await enter('>')).toBe(`? Stack name My_Shop\n> ${checkStackName('My_Shop')!}`);
    for (let i = 0; i < 'My_Shop'.length; i++) screen.keypress('backspace');
    screen.type('shop');
    expect(await enter('? AWS region')).toContain('❯ us-east-1');
    expect(await enter('? API name')).toBe('? API name (shop-api)');
    expect(await enter('? API description')).toBe('? API description (Secured by secure-api: Cognito user pool authorizer)');
    expect(await enter('? API endpoint type')).toContain('❯ Regional');
    screen.keypress('down');
    await showing('Through CloudFront, for clients everywhere');
    screen.keypress('enter');
    await done;
    expect(s.draft.input()).toEqual({
      stack: 'shop', region: 'us-east-1', api: { name: 'shop-api', description: 'Secured by secure-api: Cognito user pool authorizer', endpointType: 'EDGE' },
    });
  });

  it('step 2: a path re-asked, methods toggled with space, then Enter through the rest', async () => {
    const s = realSession({ stack: 'shop' });
    const done = stepRoutes(s);
    expect(await showing('? Resource path')).toBe('? Resource path (e.g. /items/{id}) (/items)');
    screen.type('/orders/{id');
    expect(await enter('>')).toContain(checkResourcePath('/orders/{id')!);
    screen.type('}');
    expect(await enter('? Methods on /orders/{id}')).toContain('◉ POST');
    screen.keypress('down'); // POST
    screen.keypress('space'); // off
    screen.keypress('down'); // PUT
    screen.keypress('space'); // on
    expect(await showing('◉ PUT')).toContain('◯ POST');
    await enter('? Integration');
    await enter('? Who may call /orders/{id}?');
    await enter('? Only members of these Cognito groups may call /orders/{id}?');
    expect(await enter('? Add another resource?')).toBe('? Add another resource? (y/N)');
    screen.keypress('enter');
    await done;
    expect(s.draft.get('routes')).toEqual([{ path: '/orders/{id}', methods: ['GET', 'PUT'], integration: { type: 'sample-lambda' }, public: false }]);
  });

  it('step 3: an identity provider\'s secret is typed hidden, and lands in its environment variable only', async () => {
    const env: NodeJS.ProcessEnv = {};
    const s = realSession({ stack: 'shop' }, env);
    const done = askIdentityProviders(s);
    await showing('? Federated identity providers (none is fine)');
    screen.keypress('space'); // Google
    await showing('◉ Google');
    expect(await enter('? Google: client id')).toBe('? Google: client id');
    screen.type('google-client');
    await enter('? Google client secret (hidden, never saved)');
    screen.type('s3cr3t');
    expect(await showing('******')).not.toContain('s3cr3t');
    screen.keypress('enter');
    await done;
    expect(env.SECURE_API_IDP_GOOGLE_SECRET).toBe('s3cr3t');
    expect(s.draft.get('userPool.identityProviders')).toEqual([{ type: 'Google', clientId: 'google-client' }]);
    expect(await screen.getFullOutput()).not.toContain('s3cr3t');
  });
});
