/**
 * Escapes the non-ASCII characters of a bundle's comments. esbuild writes code as ASCII (strings,
 * regular expressions and identifiers escaped) but copies the comments it keeps as they are, and
 * one "µ" or "—" in a comment makes V8 hold and hash the whole chunk as two bytes a character: the
 * 1.2 MB engine chunk then took about 20 ms longer to load on every run.
 *
 * Only characters that are clearly inside a comment are touched: after a `//` on their line, or on
 * a line that opens or continues a block comment (it starts with `/*` or `*`). Any other non-ASCII
 * character is left as it is (the chunk is then slower to load, never different).
 */

const NON_ASCII = /[\u0080-\uffff]/;
const NON_ASCII_ALL = /[\u0080-\uffff]/g;
const BLOCK_LINE = /^\s*(?:\/\*|\*)/;

const escape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** The part of `line` that is comment, [from, to), if its non-ASCII characters may be escaped there; null otherwise. */
function commentRange(line: string): readonly [number, number] | null {
  if (BLOCK_LINE.test(line)) {
    const end = line.indexOf('*/');
    return [0, end < 0 ? line.length : end];
  }
  const slashes = line.indexOf('//');
  return slashes >= 0 && slashes < line.search(NON_ASCII) ? [slashes, line.length] : null;
}

/** `text` with the non-ASCII characters of its comments as \uXXXX (one escape per UTF-16 unit). */
export function asciiComments(text: string): string {
  if (!NON_ASCII.test(text)) return text;
  return text.split('\n').map((line) => {
    if (!NON_ASCII.test(line)) return line;
    const range = commentRange(line);
    if (range === null) return line;
    const [from, to] = range;
    return line.slice(0, from) + line.slice(from, to).replace(NON_ASCII_ALL, escape) + line.slice(to);
  }).join('\n');
}
