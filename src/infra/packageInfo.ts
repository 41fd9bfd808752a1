import { readFileSync } from 'node:fs';

/** memabra's version, from its own package.json (the code runs from the package's dist/). */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
