import type { Readable, Writable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { STDIO_DEFAULT_MAX_BUFFER_SIZE } from '@modelcontextprotocol/sdk/shared/stdio.js';
import { ErrorCode, JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { createIdScanner, type IdScanner, type RequestId } from './messageId.js';

/** The SDK's own limit on one message (10 MiB), so memabra refuses what the SDK's transports would. */
export const MAX_MESSAGE_BYTES = STDIO_DEFAULT_MAX_BUFFER_SIZE;

const NEWLINE = 0x0a;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * MCP's stdio transport (one JSON-RPC message per line), with the lifecycle a server needs, which the SDK's
 * `StdioServerTransport` leaves out (as of 1.32):
 * - the end of input closes the transport, after every request already read has been answered, so the
 *   process exits 0 (the SDK's never closes, and Node exits 13 on the unsettled wait);
 * - a line that is not JSON is answered with -32700 and one that is not a JSON-RPC message with -32600, and
 *   the server keeps serving (the SDK's drops them without an answer);
 * - a message over the SDK's size limit is skipped to its end, without being kept, and answered with an
 *   error under its own id; the server keeps serving (the SDK's closes the transport, and the server exits).
 * Errors that cannot be tied to a request carry no id, as MCP's schema allows.
 */
export class StdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  /** The line read so far, in chunks (concatenated once, at its end). */
  private chunks: Buffer[] = [];
  private bytes = 0;
  /** Set while skipping an oversized message: it watches for the message's id. */
  private oversized: IdScanner | null = null;
  /** Requests handed to the server and not yet answered, by their JSON-encoded id. */
  private readonly unanswered = new Set<string>();
  private ended = false;
  private closed = false;

  constructor(
    private readonly input: Readable = process.stdin,
    private readonly output: Writable = process.stdout,
    private readonly maxMessageBytes = MAX_MESSAGE_BYTES,
  ) {}

  private readonly onData = (chunk: Buffer) => this.read(chunk);
  private readonly onEnd = () => {
    if (this.ended) return;
    // A last message without its newline is still a message.
    if (this.bytes > 0) this.endLine();
    this.ended = true;
    this.closeWhenAnswered();
  };
  private readonly onInputError = (error: Error) => {
    this.onerror?.(error);
    this.onEnd();
  };

  async start(): Promise<void> {
    this.input.on('data', this.onData);
    this.input.on('end', this.onEnd);
    this.input.on('error', this.onInputError);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if ('id' in message && message.id !== undefined && !('method' in message)) this.unanswered.delete(JSON.stringify(message.id));
    await this.write(message);
    this.closeWhenAnswered();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.input.off('data', this.onData);
    this.input.off('end', this.onEnd);
    this.input.off('error', this.onInputError);
    this.input.pause();
    this.chunks = [];
    this.onclose?.();
  }

  private write(message: unknown): Promise<void> {
    return new Promise((resolve) => {
      if (this.output.write(`${JSON.stringify(message)}\n`)) resolve();
      else this.output.once('drain', resolve);
    });
  }

  private closeWhenAnswered(): void {
    if (this.ended && this.unanswered.size === 0) void this.close();
  }

  private read(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length && !this.closed) {
      const newline = chunk.indexOf(NEWLINE, start);
      const end = newline === -1 ? chunk.length : newline;
      const piece = chunk.subarray(start, end);
      if (this.oversized) this.oversized.feed(piece);
      else if (this.bytes + piece.length > this.maxMessageBytes) {
        // Too large to read: scan what is held and what comes, then let all of it go.
        this.oversized = createIdScanner();
        for (const held of this.chunks) this.oversized.feed(held);
        this.oversized.feed(piece);
        this.chunks = [];
      } else if (piece.length) this.chunks.push(piece);
      this.bytes += piece.length;
      if (newline === -1) return;
      this.endLine();
      start = newline + 1;
    }
  }

  private endLine(): void {
    const bytes = this.bytes;
    const oversized = this.oversized;
    const line = oversized ? null : Buffer.concat(this.chunks, bytes);
    this.chunks = [];
    this.bytes = 0;
    this.oversized = null;
    if (oversized) {
      return this.refuse(
        ErrorCode.InvalidRequest,
        `message of ${bytes} bytes is over the limit of ${this.maxMessageBytes} bytes per message; it was not read, and nothing of it was done`,
        oversized.id(),
      );
    }
    this.handleLine(line!);
  }

  private handleLine(line: Buffer): void {
    let text: string;
    try {
      text = strictUtf8.decode(line).replace(/\r$/, '');
    } catch {
      return this.refuse(ErrorCode.ParseError, 'Parse error: the message is not valid UTF-8');
    }
    if (text.trim() === '') return; // a blank line between messages is not a message
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return this.refuse(ErrorCode.ParseError, `Parse error: ${(error as Error).message}`);
    }
    const parsed = JSONRPCMessageSchema.safeParse(value);
    if (!parsed.success) return this.refuse(ErrorCode.InvalidRequest, `Invalid Request: ${describeNotAMessage(value)}`, idOf(value));
    const message = parsed.data;
    if ('method' in message) {
      if ('id' in message) this.unanswered.add(JSON.stringify(message.id));
      // A cancelled request is not answered (MCP's rule), so the end of input must not wait for it.
      else if (message.method === 'notifications/cancelled')
        this.unanswered.delete(JSON.stringify((message.params as { requestId?: unknown } | undefined)?.requestId));
    }
    this.onmessage?.(message);
  }

  private refuse(code: number, message: string, id?: RequestId): void {
    this.write({ jsonrpc: '2.0', ...(id === undefined ? {} : { id }), error: { code, message } }).catch((error: Error) => this.onerror?.(error));
  }
}

function idOf(value: unknown): RequestId | undefined {
  const id = typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined;
  return typeof id === 'string' || (typeof id === 'number' && Number.isSafeInteger(id)) ? id : undefined;
}

/** Why a JSON value is not a JSON-RPC 2.0 message, in one line. */
function describeNotAMessage(value: unknown): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return Array.isArray(value) ? 'a batch (a JSON array) is not accepted; send one message per line' : 'a message is a JSON object';
  }
  const message = value as Record<string, unknown>;
  if (message.jsonrpc !== '2.0') return 'field "jsonrpc" must be "2.0"';
  if ('method' in message && typeof message.method !== 'string') return 'field "method" must be a string';
  if ('id' in message && idOf(message) === undefined) return 'field "id" must be a string or an integer';
  if (!('method' in message) && !('result' in message) && !('error' in message))
    return 'a message needs a "method" (or, as a response, a "result" or an "error")';
  return 'not a request, notification or response of JSON-RPC 2.0';
}
