/**
 * issue 25.7: the login URL reaches the browser whole. `cmd /c start "" URL` cut it at the first `&` (cmd's command
 * separator) on Windows; every opener now takes the URL as one argument, no shell in between.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { browserOpeners, openBrowser } from '../../src/verify/hosted-ui.js';
import { tempDir } from '../support/harness.js';

const URL_WITH_QUERY = 'https://demo-login.auth.us-east-1.amazoncognito.com/oauth2/authorize?response_type=code&client_id=abc&redirect_uri=http%3A%2F%2Flocalhost%3A8765%2Fcallback&state=x&code_challenge=y';
const SHELLS = /^(cmd|cmd\.exe|sh|bash|powershell|pwsh)$/i;
const path = process.env.PATH;
afterEach(() => { process.env.PATH = path; });

describe('opening the hosted UI in a browser', () => {
  it('on Windows: rundll32 url.dll,FileProtocolHandler, never cmd (its & would end the URL)', () => {
    expect(browserOpeners('win32', {})).toEqual([['rundll32', ['url.dll,FileProtocolHandler']]]);
    for (const platform of ['win32', 'darwin', 'linux'] as const) {
      for (const [cmd, args] of browserOpeners(platform, { DISPLAY: ':0' })) {
        expect(cmd, platform).not.toMatch(SHELLS);
        expect(args.join(' '), platform).not.toMatch(/\/c|start/);
      }
    }
    expect(browserOpeners('win32', { BROWSER: 'none' })).toEqual([]);
  });

  it('the opener gets the URL as one argument, & and % as they are', async () => {
    const dir = tempDir();
    const seen = join(dir, 'argv.json');
    writeFileSync(join(dir, 'xdg-open'), `#!/usr/bin/env node\nrequire('node:fs').writeFileSync(${JSON.stringify(seen)}, JSON.stringify(process.argv.slice(2)));\n`);
    chmodSync(join(dir, 'xdg-open'), 0o755);
    process.env.PATH = `${dir}:${path ?? ''}`;
    expect(await openBrowser(URL_WITH_QUERY, 'linux', { DISPLAY: ':0' })).toBe(true);
    for (let i = 0; i < 100; i++) {
      try {
        expect(JSON.parse(readFileSync(seen, 'utf8'))).toEqual([URL_WITH_QUERY]);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    expect(JSON.parse(readFileSync(seen, 'utf8'))).toEqual([URL_WITH_QUERY]);
  });
});
