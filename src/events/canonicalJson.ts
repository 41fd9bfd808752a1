/**
 * Deterministic JSON: object keys sorted, no whitespace, numbers as JSON.stringify writes them (the same
 * rules as RFC 8785 for the values memabra stores). Equal values always give equal bytes, which the hash
 * chain and the benchmark content hash rely on. Native JSON.stringify does the writing; the replacer only
 * reorders the keys of objects whose keys are not already in order.
 */
export function canonicalJson(value: unknown): string {
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
