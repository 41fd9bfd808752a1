import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/memabra.js', import.meta.url));

export type CliResult = { code: number | null; stdout: string; stderr: string };

/** Runs the real CLI in a child process, as a user would. */
export function runCli(args: readonly string[], options: { input?: string; env?: Record<string, string>; cwd?: string } = {}): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    input: options.input ?? '',
    ...(options.cwd ? { cwd: options.cwd } : {}),
    encoding: 'utf8',
    env: { ...process.env, MEMABRA_DIR: '', MEMABRA_STORE: '', ...options.env },
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts the CLI without waiting, for tests that race or kill it. */
export function startCli(args: readonly string[], options: { env?: Record<string, string> } = {}): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, MEMABRA_DIR: '', MEMABRA_STORE: '', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => (stdout += chunk));
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

/** A data directory initialised by the real CLI, then `count` trajectories recorded in one call. */
export function cliLogWith(count: number, dir: string): string {
  const init = runCli(['--dir', dir, 'init']);
  if (init.code !== 0) throw new Error(init.stderr);
  if (count === 0) return dir;
  const lines = Array.from({ length: count }, (_, i) => JSON.stringify(sampleTrajectory(`request ${i}`)));
  const recorded = runCli(['--dir', dir, 'record', '-'], { input: lines.join('\n') });
  if (recorded.code !== 0) throw new Error(recorded.stderr);
  return dir;
}

/** One trajectory as an agent records it. */
export function sampleTrajectory(input: string): object {
  return {
    task: { input },
    candidates: [{ id: 'sms.send', kind: 'tool', name: 'send_sms', score: 0.71 }],
    decision: { route: 'tool', selected: ['sms.send'] },
    outcome: { reward: 1, error: null, latencyMs: 900 },
  };
}
