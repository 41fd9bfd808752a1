import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { ErrorCode, ListToolsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { Session } from '../app/session.js';
import { describeSystemError, MemabraError } from '../errors.js';
import { packageVersion } from '../packageInfo.js';
import { StdioTransport } from './stdioTransport.js';
import { TOOLS } from './tools.js';

/**
 * A JSON-RPC error whose message goes out as it is. The SDK answers with an error's `code` and `message`;
 * an McpError's message already starts with "MCP error -32602:", and the client adds that prefix again.
 */
class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The name and arguments of a tools/call, checked here so a malformed call gets one line, never a zod dump. */
function toolCall(params: unknown): { name: string; args: unknown } {
  if (!isObject(params) || typeof params.name !== 'string') throw new RpcError(ErrorCode.InvalidParams, 'tools/call needs "params.name", the name of a tool');
  if (params.arguments !== undefined && !isObject(params.arguments)) {
    throw new RpcError(ErrorCode.InvalidParams, `the arguments of tool "${params.name}" must be a JSON object`);
  }
  return { name: params.name, args: params.arguments ?? {} };
}

/**
 * An MCP server over one session: the log stays open and folded in memory, so each call reads only what
 * was appended since the last. Bad input is an InvalidParams error carrying the CLI's message; an operation
 * that cannot be done is a tool result flagged as an error, with its message. `running` holds the tool
 * calls under way, so that the process can let them finish before it closes the log.
 */
export function createMcpServer(session: Session, running: Set<Promise<unknown>> = new Set()): Server {
  const server = new Server({ name: 'memabra', version: packageVersion() }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: TOOLS.map((tool) => ({
      name: tool.name,
      description: tool.description,
      inputSchema: z.toJSONSchema(tool.input, { io: 'input' }) as { type: 'object'; [key: string]: unknown },
    })),
  }));
  // tools/call is served as the fallback, not through setRequestHandler: the SDK checks a call's params
  // against its own schema first and answers a mismatch with a raw zod dump (as -32603, or as -32602 with the
  // prefix doubled), before any handler of ours runs.
  server.fallbackRequestHandler = async (request) => {
    if (request.method !== 'tools/call') throw new RpcError(ErrorCode.MethodNotFound, `Method not found: ${request.method}`);
    const { name, args } = toolCall(request.params);
    const tool = TOOLS.find((t) => t.name === name);
    if (!tool) throw new RpcError(ErrorCode.InvalidParams, `unknown tool "${name}"; the tools are ${TOOLS.map((t) => t.name).join(', ')}`);
    const call = callTool(session, tool, args);
    running.add(call);
    try {
      return await call;
    } finally {
      running.delete(call);
    }
  };
  return server;
}

async function callTool(session: Session, tool: (typeof TOOLS)[number], args: unknown): Promise<CallToolResult> {
  try {
    const result = await tool.run(session, args);
    return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: { result } };
  } catch (error) {
    if (error instanceof MemabraError) {
      if (error.exitCode === 2) throw new RpcError(ErrorCode.InvalidParams, error.message);
      return { isError: true, content: [{ type: 'text', text: error.message }] };
    }
    // An ordinary condition of the machine (no permission, a full disk) is a failed operation, in one line.
    const system = describeSystemError(error);
    if (system) return { isError: true, content: [{ type: 'text', text: system }] };
    throw error;
  }
}

/**
 * Serves MCP on stdin and stdout until the input ends: then every request already read is answered, every
 * tool call under way finishes, and this returns (the process exits 0).
 */
export async function serveStdio(session: Session): Promise<void> {
  const running = new Set<Promise<unknown>>();
  const server = createMcpServer(session, running);
  const closed = new Promise<void>((resolve) => {
    server.onclose = resolve;
  });
  await server.connect(new StdioTransport());
  await closed;
  await Promise.allSettled([...running]);
}
