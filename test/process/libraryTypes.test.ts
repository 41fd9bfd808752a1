import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/fixtures.js';

const TSC = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
const INDEX = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

/**
 * Type-checks consumers of the built library in one project that has no Node.js types, with every
 * declaration checked (skipLibCheck off); returns tsc's output ('' when clean).
 */
function typeCheck(sources: Record<string, string>): string {
  const dir = tempDir('memabra-types-');
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  for (const [name, source] of Object.entries(sources)) writeFileSync(join(dir, name), source.replaceAll('MEMABRA', JSON.stringify(INDEX)));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      // DOM for zod's own declarations (they name URL); no "node" types.
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2023', 'DOM'],
        types: [],
        strict: true,
        noEmit: true,
        skipLibCheck: false,
      },
      files: Object.keys(sources),
    }),
  );
  try {
    execFileSync(process.execPath, [TSC, '-p', dir], { encoding: 'utf8' });
    return '';
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error);
  }
}

describe('the library declarations', () => {
  // Checking every declaration of zod and the rest takes tsc a while.
  it('type-check without @types/node, and type route and record: a misspelt field does not compile', { timeout: 300_000 }, () => {
    const good = `
      import { openMemabra, type OutcomeReport, type RouteAnswer, type RouteRequest, type TrajectoryInput } from MEMABRA;
      const memabra = await openMemabra({ location: '/tmp/none' });
      const requests: RouteRequest[] = [{ input: 'hi', candidates: [{ id: 'a', kind: 'tool', name: 'a', score: 0.5 }] }];
      const [answer]: RouteAnswer[] = await memabra.route(requests, { log: true });
      const later: OutcomeReport = { decisionId: answer!.decisionId!, outcome: { reward: 1, error: null, latencyMs: 3 } };
      const whole: TrajectoryInput = { task: { input: 'hi' }, candidates: [], decision: answer!, outcome: later.outcome };
      const { ids } = await memabra.record([later, whole]);
      const skipped: string[] = (await memabra.cycle()).reasons.map((gate) => gate.message);
      console.log(ids, skipped);
    `;
    const typo = `
      import { openMemabra } from MEMABRA;
      const memabra = await openMemabra();
      await memabra.record([{ decisionId: 'x', outcome: { reward: 1, latencyMs: 3 }, colour: 'red' }]);
      await memabra.route([{ inptu: 'hi' }]);
    `;
    const errors = typeCheck({ 'good.ts': good, 'typo.ts': typo });
    const lines = errors.split('\n').filter((line) => /error TS/.test(line));
    expect(lines.filter((line) => !/typo\.ts\(/.test(line))).toEqual([]);
    expect(lines.filter((line) => /colour/.test(line))).toHaveLength(1);
    expect(lines.filter((line) => /inptu/.test(line))).toHaveLength(1);
  });
});
