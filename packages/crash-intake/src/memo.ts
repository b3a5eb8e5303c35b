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
