/** "1 version", "2 versions": a count with its noun, in the number it needs, for text people read. */
export function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
