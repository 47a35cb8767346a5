/**
 * The Python literals a .npy header holds: strings, integers, True/False/None, lists and
 * tuples (both as arrays), and dicts with string keys.
 */
export type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

/** Parses one Python literal (the subset above); throws SyntaxError naming the position. */
export function parsePythonLiteral(text: string): PyValue {
  let at = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at ${at} of ${JSON.stringify(text.slice(0, 120))}`);
  };
  const space = () => {
    while (at < text.length && /\s/.test(text[at]!)) at++;
  };
  const value = (): PyValue => {
    space();
    const c = text[at];
    if (c === "'" || c === '"') return string(c);
    if (c === "[" || c === "(") return sequence(c === "[" ? "]" : ")");
    if (c === "{") return dict();
    const word = /^(-?\d+)L?|^(True|False|None)/.exec(text.slice(at));
    if (word === null) return fail("expected a value");
    at += word[0].length;
    if (word[1] !== undefined) return Number(word[1]);
    return word[2] === "None" ? null : word[2] === "True";
  };
  const string = (quote: string): string => {
    let out = "";
    for (at++; at < text.length && text[at] !== quote; at++) {
      if (text[at] === "\\") at++;
      out += text[at] ?? "";
    }
    if (text[at] !== quote) fail("unterminated string");
    at++;
    return out;
  };
  /** Items up to `close`, commas between (and optionally after the last). */
  const items = <T>(close: string, item: () => T): T[] => {
    const out: T[] = [];
    at++;
    for (;;) {
      space();
      if (text[at] === close) break;
      out.push(item());
      space();
      if (text[at] === ",") at++;
      else if (text[at] !== close) fail(`expected "," or "${close}"`);
    }
    at++;
    return out;
  };
  const sequence = (close: string): PyValue[] => items(close, value);
  const dict = (): { [key: string]: PyValue } => {
    const entries = items("}", (): [string, PyValue] => {
      const key = value();
      if (typeof key !== "string") return fail("expected a string key");
      space();
      if (text[at] !== ":") fail('expected ":"');
      at++;
      return [key, value()];
    });
    return Object.fromEntries(entries);
  };
  const result = value();
  space();
  if (at !== text.length) fail("unexpected text");
  return result;
}

/** The Python literal of a string (single-quoted, as NumPy's repr writes it). */
export function pythonString(text: string): string {
  return `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}
