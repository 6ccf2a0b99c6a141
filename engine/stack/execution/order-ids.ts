/**
 * Client order ids, `${prefix}${seq}`, made without converting the number to a string each time.
 *
 * Why: every order takes a new id, and V8 converts a number to a string through a small cache
 * that a run of new numbers always misses, so each id paid a call into the runtime. Here the
 * decimal digits come from two tables of 0..999 (plain and zero-padded to three digits) and the
 * part above them is converted once per thousand ids: an id is then one concatenation of two
 * strings. The result is the very string `${prefix}${seq}` is; a test proves it over the range.
 */

/** `PLAIN[k]` is String(k) and `PADDED[k]` is String(k) padded with zeros to three digits, for k in 0..999. */
const PLAIN: readonly string[] = Array.from({ length: 1000 }, (_, k) => String(k));
const PADDED: readonly string[] = Array.from({ length: 1000 }, (_, k) => String(k).padStart(3, '0'));

export class OrderIds {
  private readonly prefix: string;
  /** seq / 1000 (rounded down) of the cached head, and the head: the prefix and those digits. */
  private thousands = 0;
  private head: string;

  constructor(prefix: string) {
    this.prefix = prefix;
    this.head = prefix;
  }

  /** The id of order number `seq` (a non-negative safe integer; anything else takes the plain way). */
  id(seq: number): string {
    if (!Number.isSafeInteger(seq) || seq < 0) return this.prefix + seq;
    const thousands = Math.floor(seq / 1000);
    const low = seq - 1000 * thousands;
    if (thousands !== this.thousands) {
      this.thousands = thousands;
      this.head = thousands === 0 ? this.prefix : this.prefix + thousands;
    }
    return this.head + (thousands === 0 ? PLAIN[low]! : PADDED[low]!);
  }
}
