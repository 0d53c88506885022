/**
 * Ports for servers a test starts later (a callback a CLI binds, a child process's listener). A port found with
 * listen(0) and closed again is one of the kernel's ephemeral ports: until it is bound again, any other listen(0) or
 * outgoing connection on the machine (the data planes and servers of the other test workers) may be given it. These
 * come from below the ephemeral range instead, and from a band of their own for each vitest worker, so only a program
 * outside the suite could take one meanwhile.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const BAND = 500;

/** The low end of the kernel's ephemeral range (Linux), 32768 when it cannot be read. */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 0 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

function listenable(port: number): Promise<number | undefined> {
  return new Promise((ok) => {
    const s = createServer();
    s.once('error', () => ok(undefined));
    s.listen(port, '127.0.0.1', () => {
      const addr = s.address();
      const got = typeof addr === 'object' && addr ? addr.port : undefined;
      s.close(() => ok(got));
    });
  });
}

/** A port nobody listens on right now, outside the ephemeral range (or, where that range leaves no room, any free one). */
export async function freePort(): Promise<number> {
  const low = ephemeralLow();
  const worker = Number(process.env.VITEST_POOL_ID ?? process.pid) || 0;
  const bands = Math.floor((low - 10_000) / BAND);
  if (bands >= 1) {
    const start = 10_000 + (worker % bands) * BAND;
    for (let i = 0; i < 50; i++) {
      const port = await listenable(start + Math.floor(Math.random() * BAND));
      if (port) return port;
    }
  }
  const any = await listenable(0);
  if (!any) throw new Error('no free port on 127.0.0.1');
  return any;
}
