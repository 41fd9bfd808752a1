import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { Session } from '../app/session.js';
import { describeSystemError, MemabraError } from '../errors.js';
import { packageVersion } from '../packageInfo.js';
import { TOOLS } from './tools.js';

/**
 * An MCP server over one session: the log stays open and folded in memory, so each call reads only what
 * was appended since the last. Bad input is an InvalidParams error carrying the CLI's message; an operation
 * that cannot be done is a tool result flagged as an error, with its message.
 */
export function createMcpServer(session: Session): Server {
  const server = new Server({ name: 'memabra', version: packageVersion() }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: TOOLS.map((tool) => ({
      name: tool.name,
      description: tool.description,
      inputSchema: z.toJSONSchema(tool.input, { io: 'input' }) as { type: 'object'; [key: string]: unknown },
    })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const tool = TOOLS.find((t) => t.name === request.params.name);
    if (!tool) throw new McpError(ErrorCode.MethodNotFound, `unknown tool "${request.params.name}"`);
    try {
      const result = await tool.run(session, request.params.arguments ?? {});
      return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: { result } };
    } catch (error) {
      if (error instanceof MemabraError) {
        if (error.exitCode === 2) throw new McpError(ErrorCode.InvalidParams, error.message);
        return { isError: true, content: [{ type: 'text', text: error.message }] };
      }
      // An ordinary condition of the machine (no permission, a full disk) is a failed operation, in one line.
      const system = describeSystemError(error);
      if (system) return { isError: true, content: [{ type: 'text', text: system }] };
      throw error;
    }
  });
  return server;
}

export async function serveStdio(session: Session): Promise<void> {
  const server = createMcpServer(session);
  await server.connect(new StdioServerTransport());
  await new Promise<void>((resolve) => {
    server.onclose = resolve;
  });
}
