import type { ChildProcess } from 'node:child_process';
import { exited, startCli } from './cli.js';

export type ServerExit = Awaited<ReturnType<typeof exited>>;

/** A real `memabra serve` process, and where it listens. */
export type RunningServer = {
  readonly url: string;
  readonly child: ChildProcess;
  /** Resolves when the process has exited, with what it printed. */
  readonly exit: Promise<ServerExit>;
  /** Sends SIGTERM and waits for the exit. */
  stop(): Promise<ServerExit>;
};

const running = new Set<ChildProcess>();

/** Starts `memabra --dir DIR serve --port 0 ...ARGS` and waits for the line that says where it listens. */
export async function startServer(dir: string, args: readonly string[] = [], env: Record<string, string> = {}): Promise<RunningServer> {
  const child = startCli(['--dir', dir, 'serve', '--port', '0', ...args], { env });
  running.add(child);
  const exit = exited(child);
  void exit.then(() => running.delete(child));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const found = /listening on (http:\/\/\S+)/.exec(out);
      if (found) resolve(found[1]!);
    });
    void exit.then(({ code, stderr }) => reject(new Error(`memabra serve exited (${code}) before listening: ${stderr}`)));
  });
  return {
    url,
    child,
    exit,
    stop: async () => {
      child.kill('SIGTERM');
      return exit;
    },
  };
}

/** Ends every server a test started and left running (a failed assertion, for one). */
export async function stopServers(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('close', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

/** The status and the parsed JSON body; `T` is what the test expects the body to be (it is not checked). */
export type Answer<T = unknown> = { status: number; body: T; headers: Headers };

/** One JSON request with the real fetch (undici), as an agent in any language would make it. */
export async function call<T = unknown>(
  url: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer<T>> {
  const response = await fetch(url + path, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
}
