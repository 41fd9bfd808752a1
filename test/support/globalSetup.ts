import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Process tests run the real CLI from dist/, so compile once before any test file starts. */
export default function setup(): void {
  const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { stdio: 'inherit' });
}
