import { MemabraError } from '../errors.js';
import { buildHttpServer, DEFAULT_BODY_LIMIT } from '../http/httpServer.js';
import { isLoopbackHost } from '../http/loopback.js';
import { printDiagnostic, printJson, printLine } from './output.js';
import { openSession, type GlobalOptions } from './runtime.js';

export type ServeFlags = GlobalOptions & { host?: string; port?: number; token?: string; json?: boolean };

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8321;

const urlOf = (host: string, port: number) => `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

/**
 * `memabra serve`: the HTTP API until SIGTERM or SIGINT, then a clean stop: no new requests, the ones in
 * progress finished, exit 0. Prints where it listens (the real port when asked for port 0) on stdout.
 */
export async function serveCommand(flags: ServeFlags): Promise<void> {
  const host = flags.host ?? DEFAULT_HOST;
  const token = flags.token || process.env.MEMABRA_TOKEN || null;
  if (!isLoopbackHost(host) && token === null) {
    throw new MemabraError(
      'usage',
      `refusing to serve on ${host} without a token: anyone who can reach it could record and roll back; pass --token T or set $MEMABRA_TOKEN`,
    );
  }
  const session = await openSession(flags, { serving: true });
  const app = await buildHttpServer(session, { token });
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  try {
    await app.listen({ host, port: flags.port ?? DEFAULT_PORT });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? 'the address is in use' : code === 'EADDRNOTAVAIL' ? 'no such address on this machine' : (error as Error).message;
    throw new MemabraError('io', `cannot listen on ${urlOf(host, flags.port ?? DEFAULT_PORT)}: ${why}`);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (flags.port ?? DEFAULT_PORT);
  const url = urlOf(host, port);
  if (flags.json) printJson({ url, host, port, token: token !== null, bodyLimit: DEFAULT_BODY_LIMIT });
  else printLine(`listening on ${url} (${token === null ? 'loopback, no token' : 'bearer token required'}); log: ${session.store.location}`);
  const signal = await stopped;
  printDiagnostic(`memabra: ${signal}: finishing the requests in progress`);
  await app.close();
}
