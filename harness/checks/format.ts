// Numbers in summaries are for people: thousands separators, whole milliseconds.
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 20004.3 → "20,004 ms" */
export function ms(value: number): string {
  return `${integer.format(value)} ms`;
}

/** 1234 → "1,234" */
export function count(value: number): string {
  return integer.format(value);
}

/** (1, 'call') → "1 call"; (3, 'call') → "3 calls" */
export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${count(n)} ${n === 1 ? noun : nouns}`;
}
