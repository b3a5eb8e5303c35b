/**
 * A bounded memo for a pure function of a string (the user-id pseudonym): the same users crash
 * again and again, and each pseudonym costs an HMAC. (Short texts no longer go through one: the
 * scrubber skips the steps a text cannot match, for less than a lookup costs.) Two generations: a
 * value found in the old one moves to the new one, and when the new one is full the old is
 * dropped. What recurs stays; what comes once passes through and is gone within two generations,
 * so memory is bounded by `2 × size` entries of at most `maxLength` characters, whatever arrives.
 */
export class Memo {
  private current = new Map<string, string>();
  private previous = new Map<string, string>();

  constructor(
    private readonly compute: (text: string) => string,
    private readonly size = 4096,
    private readonly maxLength = 256,
  ) {}

  get(text: string): string {
    if (text.length > this.maxLength) return this.compute(text);
    let value = this.current.get(text);
    if (value !== undefined) return value;
    const old = this.previous.get(text);
    if (this.current.size >= this.size) {
      this.previous = this.current;
      this.current = new Map();
    }
    // Copies: a text cut from a report (a trace's line) can be a view that keeps the whole
    // report alive, and so can a result that was not changed or was built from its pieces.
    const key = copyOf(text);
    if (old !== undefined) {
      this.current.set(key, old);
      return old;
    }
    value = this.compute(text);
    const kept = value === text ? key : copyOf(value);
    this.current.set(key, kept);
    return kept;
  }
}

/** A string of its own (never a view into a larger one): JSON round-trips every string exactly. */
const copyOf = (text: string): string => JSON.parse(JSON.stringify(text)) as string;

/** A key name as stored (scrubbed), and whether its value is a secret to replace whole. */
export interface KeyName {
  readonly name: string;
  readonly secret: boolean;
}

/**
 * Sentry events' key names, read once: the same few dozen (`filename`, `function`, `in_app`, …) in
 * every event, and JSON.parse hands out key names whose hash V8 has already computed, so a lookup
 * costs less than scrubbing the name and testing it for a secret. Bounded: names over `maxLength`
 * characters pass by, and a full map starts over.
 */
export class KeyNames {
  private readonly names = new Map<string, KeyName>();

  constructor(
    private readonly read: (key: string) => KeyName,
    private readonly size = 1024,
    private readonly maxLength = 64,
  ) {}

  get(key: string): KeyName {
    let known = this.names.get(key);
    if (known !== undefined) return known;
    known = this.read(key);
    if (key.length > this.maxLength) return known;
    if (this.names.size >= this.size) this.names.clear();
    const name = copyOf(key);
    this.names.set(name, known.name === key ? { name, secret: known.secret } : known);
    return known;
  }
}
