import { z } from 'zod';
import { decided, refused, type Decided } from './domainError.js';

/** One-line description of the first problem zod found, naming the field path and unknown keys. */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? describeZodIssue(issue) : 'invalid';
}

/** Problems named in one line, at most this many; the rest are counted. */
const MAX_NAMED_PROBLEMS = 20;

/** Every problem of a list, on one line: the first MAX_NAMED_PROBLEMS named, the rest counted. */
export function joinProblems(problems: readonly string[]): string {
  const named = problems.slice(0, MAX_NAMED_PROBLEMS).join('; ');
  return problems.length > MAX_NAMED_PROBLEMS ? `${named}; and ${problems.length - MAX_NAMED_PROBLEMS} more` : named;
}

/** One line naming every problem zod found (for files, where fixing one problem at a time is tedious). */
export function describeZodIssues(error: z.ZodError, separator = '; '): string {
  const problems = error.issues.map(describeZodIssue);
  return separator === '; ' ? joinProblems(problems) : problems.join(separator);
}

function describeZodIssue(issue: z.core.$ZodIssue): string {
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

/** Validates items that are already values, naming the first bad one by its position (`what N`). */
export function validateItems<S extends z.ZodType>(values: readonly unknown[], schema: S, what: string): Decided<z.output<S>[]> {
  const out: z.output<S>[] = [];
  for (const [index, value] of values.entries()) {
    const parsed = schema.safeParse(value);
    if (!parsed.success) return refused({ type: 'invalid-input', message: `${what} ${index + 1}: ${describeZodError(parsed.error)}` });
    out.push(parsed.data);
  }
  return decided(out);
}

/**
 * Parses input that is one JSON value (an object, or an array of objects) or JSON Lines, and validates
 * every item with `schema`. The first bad item refuses the whole input, naming its line (or, in an array,
 * its position) and field.
 */
export function parseItems<S extends z.ZodType>(text: string, schema: S, what: string): Decided<z.output<S>[]> {
  if (text.trim() === '') return refused({ type: 'invalid-input', message: `no ${what} given: the input is empty` });
  let whole: unknown;
  let isWhole = true;
  try {
    whole = JSON.parse(text);
  } catch {
    isWhole = false;
  }
  const checkLine = (value: unknown, line: number): Decided<z.output<S>> => {
    const parsed = schema.safeParse(value);
    return parsed.success ? decided(parsed.data) : refused({ type: 'invalid-input', message: `line ${line}: ${describeZodError(parsed.error)}` });
  };
  if (isWhole) {
    if (Array.isArray(whole)) return validateItems(whole, schema, what);
    const checked = checkLine(whole, text.slice(0, text.length - text.trimStart().length).split('\n').length);
    return checked.ok ? decided([checked.value]) : checked;
  }
  const out: z.output<S>[] = [];
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
