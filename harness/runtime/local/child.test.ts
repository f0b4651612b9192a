import { describe, expect, it } from 'vitest';
import { Child } from './child.ts';

describe('Child', () => {
  it('hands every line to its listeners whole: split across writes, multi-byte, unterminated', async () => {
    // Writes that cut a line and a character (é is two bytes in UTF-8) in two, and a last line
    // without its newline.
    const script = `
      const w = (b) => process.stdout.write(b);
      w('first li'); setTimeout(() => { w(Buffer.from([0x6e, 0x65, 0x0a, 0x63, 0x61, 0x66, 0xc3]));
      setTimeout(() => { w(Buffer.from([0xa9, 0x0a])); process.stderr.write('err line\\n'); w('last'); }, 30); }, 30);`;
    const child = new Child('test', process.execPath, ['-e', script], {});
    const lines: string[] = [];
    child.onLine((line) => lines.push(line));
    await child.closed;
    expect(lines.sort()).toEqual(['café', 'err line', 'first line', 'last']);
    expect(child.lines().sort()).toEqual(['café', 'err line', 'first line', 'last']);
  });
});
