import { z } from 'zod';
import { decided, refused, type Decided } from './domainError.js';

/** Problems named in one line, at most this many; the rest are counted. */
const MAX_NAMED_PROBLEMS = 20;

/** Every problem of a list, on one line: the first MAX_NAMED_PROBLEMS named, the rest counted. */
export function joinProblems(problems: readonly string[]): string {
  const named = problems.slice(0, MAX_NAMED_PROBLEMS).join('; ');
  return problems.length > MAX_NAMED_PROBLEMS ? `${named}; and ${problems.length - MAX_NAMED_PROBLEMS} more` : named;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((key) => (path ? `${path}.${key}` : key));
    return `unknown field${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${k}"`).join(', ')}`;
  }
  if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) {
    return `missing field "${path}"`;
  }
  // At the root there is no field to name: "expected object, received number" says it all.
  return path ? `field "${path}": ${issue.message}` : issue.message.replace(/^Invalid input: /, '');
}

/** One-line description of the first problem zod found, naming the field path and unknown keys. */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? describeIssue(issue) : 'invalid';
}

/** Every problem zod found, each described as describeZodError does, in the order zod found them. */
export function describeZodIssues(error: z.ZodError): string[] {
  const described = error.issues.map(describeIssue);
  return described.length ? [...new Set(described)] : ['invalid'];
}

/** Checks one item: its value, or every problem with it (a compiler names them all, not the first). */
export type ItemCheck<T> = (value: unknown) => { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: readonly string[] };

export function schemaCheck<S extends z.ZodType>(schema: S): ItemCheck<z.output<S>> {
  return (value) => {
    const parsed = schema.safeParse(value);
    return parsed.success ? { ok: true, value: parsed.data } : { ok: false, problems: describeZodIssues(parsed.error) };
  };
}

function asCheck<T>(schemaOrCheck: z.ZodType<T> | ItemCheck<T>): ItemCheck<T> {
  return typeof schemaOrCheck === 'function' ? schemaOrCheck : (schemaCheck(schemaOrCheck) as ItemCheck<T>);
}

/** Validates items that are already values, naming the first bad one by its position (`what N`). */
export function validateItems<T>(values: readonly unknown[], schema: z.ZodType<T> | ItemCheck<T>, what: string): Decided<T[]> {
  const check = asCheck(schema);
  const out: T[] = [];
  for (const [index, value] of values.entries()) {
    const checked = check(value);
    if (!checked.ok) return refused({ type: 'invalid-input', message: `${what} ${index + 1}: ${joinProblems(checked.problems)}` });
    out.push(checked.value);
  }
  return decided(out);
}

/**
 * Parses input that is one JSON value (an object, or an array of objects) or JSON Lines, and validates
 * every item with `schema` (or a check). The first bad item refuses the whole input, naming its line (or, in
 * an array, its position) and every problem with it.
 */
export function parseItems<T>(text: string, schema: z.ZodType<T> | ItemCheck<T>, what: string): Decided<T[]> {
  const check = asCheck(schema);
  if (text.trim() === '') return refused({ type: 'invalid-input', message: `no ${what} given: the input is empty` });
  let whole: unknown;
  let isWhole = true;
  try {
    whole = JSON.parse(text);
  } catch {
    isWhole = false;
  }
  const checkLine = (value: unknown, line: number): Decided<T> => {
    const checked = check(value);
    return checked.ok ? decided(checked.value) : refused({ type: 'invalid-input', message: `line ${line}: ${joinProblems(checked.problems)}` });
  };
  if (isWhole) {
    if (Array.isArray(whole)) return validateItems(whole, schema, what);
    const checked = checkLine(whole, text.slice(0, text.length - text.trimStart().length).split('\n').length);
    return checked.ok ? decided([checked.value]) : checked;
  }
  const out: T[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      return refused({ type: 'invalid-input', message: `line ${index + 1}: not valid JSON (${(error as Error).message})` });
    }
    const checked = checkLine(value, index + 1);
    if (!checked.ok) return checked;
    out.push(checked.value);
  }
  return decided(out);
}
