/**
 * Deterministic JSON: object keys sorted, no whitespace, numbers as JSON.stringify writes them (the same
 * rules as RFC 8785 for the values memabra stores). Equal values always give equal bytes, which the hash
 * chain and the benchmark content hash rely on.
 *
 * The definition is `canonicalJsonReference`: native JSON.stringify with a replacer that hands over each
 * object rebuilt with its keys in order. The fast path gives the same bytes at about 1.4x JSON.stringify's
 * cost instead of 3x: a replacer is a call back into JavaScript for every value, and it sorts every
 * object's keys. Here the objects are rebuilt once, before a replacer-less JSON.stringify (which stays on
 * V8's fast path), and the sorted order of each distinct list of keys is computed once: the values of one
 * schema all have the same keys in the same order.
 */
export function canonicalJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(inKeyOrder(value));
  } catch {
    // Something the fast path leaves to the definition (a toJSON method, a cycle, nesting deeper than
    // the stack): the reference encodes it, or throws the error JSON.stringify gives for it.
    return canonicalJsonReference(value);
  }
  if (text === undefined) throw new TypeError(`cannot encode ${typeof value} as JSON`);
  return text;
}

/** The definition the fast path is checked against (and falls back to): the bytes of every sealed line. */
export function canonicalJsonReference(value: unknown): string {
  const text = JSON.stringify(value, sortKeys);
  if (text === undefined) throw new TypeError(`cannot encode ${typeof value} as JSON`);
  return text;
}

function sortKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  let ordered = true;
  for (let i = 1; i < keys.length && ordered; i++) ordered = keys[i - 1]! < keys[i]!;
  if (ordered) return value;
  // No prototype, so a "__proto__" key (JSON.parse makes it an own property) is written like any other
  // instead of being taken for the prototype setter and dropped.
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of keys.sort()) out[key] = (value as Record<string, unknown>)[key];
  return out;
}

/**
 * What to do with an object of one list of keys: `null` when the keys are already in order (the object is
 * kept, unless a value inside it needs rebuilding), else the keys in the order to rebuild it in; `bare`
 * when a key is "__proto__", which only an object without a prototype takes as a plain key.
 */
type KeyOrder = { readonly sorted: readonly string[] | null; readonly bare: boolean };

/** A trie over key lists: the path of an object's keys, in their order, leads to its KeyOrder. */
type KeyNode = { readonly next: Map<string, KeyNode>; order: KeyOrder | undefined };

/**
 * Nodes kept at most. Values of a schema share a few key lists; free-form maps (metadata keyed by the
 * caller) could add one per value, and past this bound their order is computed each time, uncached.
 */
const MAX_KEY_NODES = 50_000;
const keyTrie: KeyNode = { next: new Map(), order: undefined };
let keyNodes = 0;

function orderOf(keys: readonly string[]): KeyOrder {
  let ordered = true;
  for (let i = 1; i < keys.length && ordered; i++) ordered = keys[i - 1]! < keys[i]!;
  return { sorted: ordered ? null : [...keys].sort(), bare: keys.includes('__proto__') };
}

function keyOrder(keys: readonly string[]): KeyOrder {
  let node = keyTrie;
  for (let i = 0; i < keys.length; i++) {
    let next = node.next.get(keys[i]!);
    if (next === undefined) {
      if (keyNodes >= MAX_KEY_NODES) return orderOf(keys);
      next = { next: new Map(), order: undefined };
      node.next.set(keys[i]!, next);
      keyNodes++;
    }
    node = next;
  }
  return (node.order ??= orderOf(keys));
}

/** Thrown to hand a value to the reference encoder. */
const USE_REFERENCE = new Error('canonical JSON: use the reference encoder');

/**
 * The value with every object whose keys are out of order rebuilt in order (the rest shared), so that a
 * plain JSON.stringify of it writes what the reference writes. Rebuilding into an ordinary object keeps the
 * enumeration the reference gets from its own rebuilt objects: array-index keys first, in numeric order,
 * then the others in insertion order. What JSON.stringify treats specially goes to the reference: a
 * toJSON method (its result is what gets sorted there), and any object that is not a plain one (a boxed
 * number is written as the number, whatever its own keys).
 */
function inKeyOrder(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') throw USE_REFERENCE;
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const rebuilt = inKeyOrder(item);
      if (rebuilt !== item) (out ??= value.slice())[i] = rebuilt;
    }
    return out ?? value;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) throw USE_REFERENCE;
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  const { sorted, bare } = keyOrder(keys);
  const order = sorted ?? keys;
  let out: Record<string, unknown> | null = null;
  if (sorted !== null) out = bare ? (Object.create(null) as Record<string, unknown>) : {};
  for (let i = 0; i < order.length; i++) {
    const key = order[i]!;
    const item = object[key];
    const rebuilt = inKeyOrder(item);
    if (out === null && rebuilt !== item) {
      // Keys already in order, a value inside rebuilt: copy what came before it, in the same order.
      out = bare ? (Object.create(null) as Record<string, unknown>) : {};
      for (let j = 0; j < i; j++) out[order[j]!] = object[order[j]!];
    }
    if (out !== null) out[key] = rebuilt;
  }
  return out ?? object;
}
