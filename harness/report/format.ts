/**
 * Figures as the human reports (Markdown, HTML) show them: no locale, so the text is the same on
 * every machine.
 */

export function money(v: number | undefined | null): string {
  if (v === undefined || v === null) return '-';
  const [int, frac] = Math.abs(v).toFixed(2).split('.');
  return `${v < 0 ? '-' : ''}${groupDigits(int!)}.${frac}`;
}

export function pct(v: number | null | undefined): string {
  return v === null || v === undefined ? '-' : `${(v * 100).toFixed(2)}%`;
}

export function num(v: number | string | null | undefined, digits = 2): string {
  if (v === null || v === undefined) return '-';
  return typeof v === 'string' ? v : Number.isInteger(v) ? String(v) : v.toFixed(digits);
}

/** The exact figure a gate compared (the shortest text that reads back as the same number): a gate failing by a cent must show it. */
export function exact(v: number | string | null): string {
  if (v === null) return 'null';
  return String(v);
}

/** An integer with thousands separators (1,000,000). */
export function grouped(n: number): string {
  return groupDigits(String(n));
}

/** A change with its sign: +0.5, -0.5, 0. */
export function signed(delta: number): string {
  return `${delta > 0 ? '+' : ''}${delta}`;
}

function groupDigits(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
