import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { ChildProcess } from 'node:child_process';
import { exited, startCli } from './cli.js';

export type McpChild = {
  readonly client: Client;
  readonly child: ChildProcess;
  /** Resolves with the first line the server writes from now on that `matches`, parsed. */
  readonly nextLine: (matches: (message: Record<string, unknown>) => boolean) => Promise<Record<string, unknown>>;
  readonly exit: ReturnType<typeof exited>;
};

/**
 * The real `memabra mcp` in a child process this test spawns itself, with the SDK's client connected over
 * its pipes (the SDK's stdio line framing, here reading the child's stdout and writing its stdin), so that a
 * test can also write raw bytes to the server and see how the process exits.
 */
export async function spawnMcp(dir: string, env: Record<string, string> = {}): Promise<McpChild> {
  const child = startCli(['--dir', dir, 'mcp'], { env });
  const exit = exited(child);
  // A server that exited early fails the test on what it answered, not on an EPIPE of a later write.
  child.stdin!.on('error', () => {});
  const waiters: { matches: (message: Record<string, unknown>) => boolean; resolve: (message: Record<string, unknown>) => void }[] = [];
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      const message = JSON.parse(line) as Record<string, unknown>;
      for (const waiter of waiters.splice(0)) {
        if (waiter.matches(message)) waiter.resolve(message);
        else waiters.push(waiter);
      }
    }
  });
  const client = new Client({ name: 'memabra-test-agent', version: '1.0.0' });
  // The client's error log is about messages it cannot pair with a request, which these tests cause on purpose.
  client.onerror = () => {};
  await client.connect(new StdioServerTransport(child.stdout!, child.stdin!));
  return {
    client,
    child,
    exit,
    nextLine: (matches) => new Promise((resolve) => waiters.push({ matches, resolve })),
  };
}
