/**
 * Drops what XML 1.0 forbids anywhere, even escaped (C0 controls but tab and line breaks, lone
 * surrogates, U+FFFE/U+FFFF): a summary quoting a server's garbled error must not make the whole
 * JUnit file unreadable to CI.
 */
export function xmlText(text: string): string {
  let out = '';
  for (const char of text) {
    // for…of yields whole code points: a lone surrogate comes through as one unit on its own.
    const code = char.codePointAt(0) ?? 0;
    const allowed =
      code === 0x9 ||
      code === 0xa ||
      code === 0xd ||
      (code >= 0x20 && code <= 0xd7ff) ||
      (code >= 0xe000 && code <= 0xfffd) ||
      code >= 0x10000;
    if (allowed) out += char;
  }
  return out;
}

/**
 * Element content: markup escaped, line feeds kept as they are so the raw file stays readable;
 * a carriage return as a reference, since parsers turn a raw one into a line feed.
 */
export function xmlContent(text: string): string {
  return xmlText(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;');
}

/** A double- or single-quoted attribute value. */
export function xmlAttribute(text: string): string {
  return (
    xmlContent(text)
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
      // Parsers normalise whitespace in attribute values: line breaks and tabs stay as references.
      .replace(/\n/g, '&#10;')
      .replace(/\t/g, '&#9;')
  );
}
