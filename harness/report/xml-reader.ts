/**
 * A strict reader for the XML Gauntlet writes (JUnit): elements, attributes, text, the five
 * predefined entities and numeric references; no DTDs, namespaces or CDATA. It refuses what is
 * not well-formed (unbalanced or mismatched tags, unquoted or repeated attributes, a bare '&' or
 * '<'), which is what tests need to prove a report reads cleanly in CI's JUnit parsers.
 */

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_:][\w.:-]*/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(raw: string, at: number): string {
  return raw.replace(/&([^;]*);|&|</g, (m, ent: string | undefined) => {
    if (m === '&' || m === '<') throw new SyntaxError(`XML: bare '${m}' near offset ${at}`);
    if (ent!.startsWith('#x')) return String.fromCodePoint(parseInt(ent!.slice(2), 16));
    if (ent!.startsWith('#')) return String.fromCodePoint(parseInt(ent!.slice(1), 10));
    const v = ENTITIES[ent!];
    if (v === undefined) throw new SyntaxError(`XML: unknown entity &${ent}; near offset ${at}`);
    return v;
  });
}

export function parseXml(text: string): XmlElement {
  let i = 0;
  if (text.startsWith('<?xml')) {
    i = text.indexOf('?>');
    if (i < 0) throw new SyntaxError('XML: unterminated declaration');
    i += 2;
  }
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = lt < 0 ? text.slice(i) : text.slice(i, lt);
    if (chunk.trim() !== '') {
      const top = stack[stack.length - 1];
      if (top === undefined) throw new SyntaxError(`XML: text outside the root element near offset ${i}`);
      top.text += decode(chunk, i);
    }
    if (lt < 0) break;
    const gt = text.indexOf('>', lt);
    if (gt < 0) throw new SyntaxError(`XML: unterminated tag at offset ${lt}`);
    const tag = text.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (open === undefined || open.name !== name) throw new SyntaxError(`XML: </${name}> closes ${open === undefined ? 'nothing' : `<${open.name}>`} at offset ${lt}`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const name = NAME.exec(body)?.[0];
    if (name === undefined) throw new SyntaxError(`XML: bad tag <${tag}> at offset ${lt}`);
    const attributes: Record<string, string> = {};
    let rest = body.slice(name.length);
    for (let guard = 0; rest.trim() !== '' && guard < 1000; guard++) {
      const m = /^\s+([A-Za-z_:][\w.:-]*)="([^"]*)"/.exec(rest);
      if (m === null) throw new SyntaxError(`XML: bad attributes in <${name}> at offset ${lt}: ${rest.slice(0, 40)}`);
      if (m[1]! in attributes) throw new SyntaxError(`XML: attribute ${m[1]} repeated in <${name}>`);
      attributes[m[1]!] = decode(m[2]!, lt);
      rest = rest.slice(m[0].length);
    }
    const el: XmlElement = { name, attributes, children: [], text: '' };
    const parent = stack[stack.length - 1];
    if (parent !== undefined) parent.children.push(el);
    else if (root === null) root = el;
    else throw new SyntaxError('XML: more than one root element');
    if (!selfClosing) stack.push(el);
  }
  if (stack.length > 0) throw new SyntaxError(`XML: <${stack[stack.length - 1]!.name}> is never closed`);
  if (root === null) throw new SyntaxError('XML: no root element');
  return root;
}

/** Every element named `name` under `el`, depth first. */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement): void => { if (e.name === name) out.push(e); e.children.forEach(walk); };
  walk(el);
  return out;
}
