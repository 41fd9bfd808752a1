/** A JSON-RPC request id: a string or an integer. */
export type RequestId = string | number;

/**
 * Finds the top-level `"id"` of a JSON-RPC message read as a stream of chunks, keeping none of the rest, so
 * a message too large to read still gets its error answer under its own id (the client's call then fails at
 * once instead of waiting for its timeout; the SDK's client writes `id` last, after the params). It scans
 * bytes, not characters: JSON's structural characters are ASCII, and UTF-8 never uses an ASCII byte inside a
 * multi-byte character. Anything that is not an object, or whose `id` is neither a string nor an integer,
 * has no id.
 */
export type IdScanner = { readonly feed: (bytes: Uint8Array) => void; readonly id: () => RequestId | undefined };

type Phase =
  | 'start' // before the top-level '{'
  | 'key?' // inside the object, before a key (or its '}')
  | 'key' // inside a key's string
  | 'colon' // after a key
  | 'value?' // after the colon
  | 'string' // inside a string value at the top level
  | 'scalar' // inside a number or literal at the top level
  | 'nested' // inside an object or array value
  | 'after' // after a value, before ',' or '}'
  | 'end'; // past the object, or not an object at all

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const isSpace = (byte: number) => byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
/** Ids are short; a longer value is not one this server would have to answer under. */
const MAX_ID_BYTES = 256;

export function createIdScanner(): IdScanner {
  let phase: Phase = 'start';
  let escaped = false;
  let nestedDepth = 0;
  let nestedInString = false;
  let key: number[] = [];
  let keyEscaped = false;
  let capturing = false;
  let captured: number[] = [];
  let found: RequestId | undefined;

  const endValue = () => {
    if (!capturing) return;
    capturing = false;
    if (captured.length > MAX_ID_BYTES) return;
    try {
      const value: unknown = JSON.parse(Buffer.from(captured).toString('utf8'));
      found = typeof value === 'string' || (typeof value === 'number' && Number.isSafeInteger(value)) ? value : undefined;
    } catch {
      found = undefined;
    }
  };
  const capture = (byte: number) => {
    if (capturing && captured.length <= MAX_ID_BYTES) captured.push(byte);
  };

  function step(byte: number): void {
    switch (phase) {
      case 'start':
        if (!isSpace(byte)) phase = byte === 0x7b ? 'key?' : 'end';
        return;
      case 'key?':
        if (byte === QUOTE) {
          phase = 'key';
          key = [];
          keyEscaped = false;
        } else if (byte === 0x7d) phase = 'end';
        return;
      case 'key':
        if (escaped) escaped = false;
        else if (byte === BACKSLASH) escaped = keyEscaped = true;
        else if (byte === QUOTE) phase = 'colon';
        else if (key.length < 3) key.push(byte);
        else keyEscaped = true; // longer than "id": not it
        return;
      case 'colon':
        if (byte === 0x3a) phase = 'value?';
        return;
      case 'value?': {
        if (isSpace(byte)) return;
        capturing = !keyEscaped && key.length === 2 && key[0] === 0x69 && key[1] === 0x64; // "id"
        captured = [];
        if (byte === 0x7b || byte === 0x5b) {
          capturing = false;
          phase = 'nested';
          nestedDepth = 1;
          nestedInString = false;
          return;
        }
        capture(byte);
        phase = byte === QUOTE ? 'string' : 'scalar';
        return;
      }
      case 'string':
        capture(byte);
        if (escaped) escaped = false;
        else if (byte === BACKSLASH) escaped = true;
        else if (byte === QUOTE) {
          endValue();
          phase = 'after';
        }
        return;
      case 'scalar':
        if (byte === 0x2c || byte === 0x7d || isSpace(byte)) {
          endValue();
          phase = byte === 0x2c ? 'key?' : byte === 0x7d ? 'end' : 'after';
        } else capture(byte);
        return;
      case 'nested':
        if (nestedInString) {
          if (escaped) escaped = false;
          else if (byte === BACKSLASH) escaped = true;
          else if (byte === QUOTE) nestedInString = false;
        } else if (byte === QUOTE) nestedInString = true;
        else if (byte === 0x7b || byte === 0x5b) nestedDepth++;
        else if ((byte === 0x7d || byte === 0x5d) && --nestedDepth === 0) phase = 'after';
        return;
      case 'after':
        if (byte === 0x2c) phase = 'key?';
        else if (byte === 0x7d) phase = 'end';
        return;
      case 'end':
        return;
      default:
        phase satisfies never;
    }
  }

  return {
    feed(bytes) {
      for (let i = 0; i < bytes.length && phase !== 'end'; i++) step(bytes[i]!);
    },
    id: () => found,
  };
}
