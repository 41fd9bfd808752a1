import {
  accessSync,
  constants,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import { x as untar } from 'tar';

/**
 * The headless Chromium the browser tests run in, found the same way on every machine: `$MEMABRA_TEST_CHROMIUM`
 * if set, else a system Chromium or Chrome on PATH (Debian's, which .ci/run installs), else the one shipped
 * inside the @sparticuz/chromium dev dependency, so that a machine with only Node runs the browser tests
 * too instead of skipping them.
 */
export type ChromiumBinary = {
  source: 'MEMABRA_TEST_CHROMIUM' | 'system' | '@sparticuz/chromium';
  executablePath: string;
  /** Extra environment the binary needs (the packaged one brings its own NSS libraries and fonts). */
  env: Record<string, string>;
};

const SYSTEM_NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

/** Flags for a test browser: no sandbox (the tests may run as root), no GPU, nothing fetched in the background. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function systemChromium(): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of SYSTEM_NAMES) {
    for (const dir of dirs) {
      if (isExecutableFile(join(dir, name))) return join(dir, name);
    }
  }
  return undefined;
}

/** The package's directory and version (its exports map hides package.json, so it is found from its entry point). */
function sparticuzPackage(): { dir: string; version: string } {
  const entry = createRequire(import.meta.url).resolve('@sparticuz/chromium');
  let dir = dirname(entry);
  while (
    !existsSync(join(dir, 'package.json')) ||
    (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name !== '@sparticuz/chromium'
  ) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the @sparticuz/chromium package above ${entry}`);
    dir = parent;
  }
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
  return { dir, version };
}

async function unbrotli(from: string, to: NodeJS.WritableStream): Promise<void> {
  await pipeline(createReadStream(from), createBrotliDecompress(), to);
}

/**
 * Unpacks the package's brotli files once per installed version into node_modules/.cache. The package's own
 * executablePath() unpacks into the shared /tmp (where several checkouts would race and a half-written
 * binary from a killed run would be reused), and brings its NSS libraries only on Amazon Linux, while a
 * machine with only Node has no libnss3 either: so it is unpacked here, into a staging directory renamed
 * into place when complete.
 */
export async function packagedChromium(): Promise<ChromiumBinary> {
  const { dir, version } = sparticuzPackage();
  const cache = join(dir, '..', '..', '.cache', `memabra-chromium-${version}`);
  const env = (root: string) => ({
    LD_LIBRARY_PATH: [join(root, 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(delimiter),
    FONTCONFIG_PATH: root,
  });
  if (existsSync(join(cache, 'chromium'))) return { source: '@sparticuz/chromium', executablePath: join(cache, 'chromium'), env: env(cache) };

  const staging = `${cache}.partial-${process.pid}-${Date.now()}`;
  mkdirSync(staging, { recursive: true });
  try {
    const bin = join(dir, 'bin');
    await unbrotli(join(bin, 'chromium.br'), createWriteStream(join(staging, 'chromium'), { mode: 0o755 }));
    // al2023: NSS, NSPR and expat (lib/); fonts: Open Sans; swiftshader: software GL next to the binary.
    for (const archive of ['al2023.tar.br', 'fonts.tar.br', 'swiftshader.tar.br']) {
      await unbrotli(join(bin, archive), untar({ cwd: staging }));
    }
    // The package's fonts.conf names /tmp/fonts; this one names the fonts unpacked here.
    writeFileSync(
      join(staging, 'fonts.conf'),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${cache}/fonts</dir>\n  <cachedir>${cache}/fonts-cache</cachedir>\n</fontconfig>\n`,
    );
    renameSync(staging, cache);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    // Another process (a parallel test run) may have won the rename: its copy is as good as ours.
    if (!existsSync(join(cache, 'chromium'))) throw error;
  }
  return { source: '@sparticuz/chromium', executablePath: join(cache, 'chromium'), env: env(cache) };
}

/** Which Chromium the browser tests use on this machine (unpacking the packaged one the first time). */
export async function findChromium(): Promise<ChromiumBinary> {
  const configured = process.env.MEMABRA_TEST_CHROMIUM;
  if (configured) {
    if (!isExecutableFile(configured)) throw new Error(`MEMABRA_TEST_CHROMIUM=${configured} is not an executable file`);
    return { source: 'MEMABRA_TEST_CHROMIUM', executablePath: configured, env: {} };
  }
  const system = systemChromium();
  if (system) return { source: 'system', executablePath: system, env: {} };
  return packagedChromium();
}

/** A headless Chromium driven by playwright-core (which downloads nothing). Close it when done. */
export async function launchChromium(binary?: ChromiumBinary): Promise<Browser> {
  const found = binary ?? (await findChromium());
  return chromium.launch({ executablePath: found.executablePath, args: CHROMIUM_ARGS, env: { ...process.env, ...found.env } });
}
