/** "1 resource", "2 resources": a count with its noun, singular for one (issue 23.8: never "1 stacks"). */
export function countOf(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}
