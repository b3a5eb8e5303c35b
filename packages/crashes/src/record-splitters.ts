import { StringDecoder } from 'node:string_decoder';
import { MAX_RECORD_BYTES, type ReadOptions } from './read-budget';

/**
 * Bytes in, records out: sniffs the format on the first character that is not blank (nor a
 * byte-order mark), then splits. NDJSON is split on bytes and each line decoded alone (node:readline
 * would decode whole chunks into large strings first: same speed, twice the memory). A throwing
 * `onRecord` stops it: no record is handed over after that. Blank chunks before the first record
 * are dropped as they come, never joined. What it keeps of a chunk past `push` it copies, so the
 * caller may read the next chunk into the same buffer.
 */
export class RecordSink {
  private splitter: RecordSplitter | undefined;
  /** The first bytes while they may still be a byte-order mark; undefined once decided. */
  private bom: Buffer | undefined = Buffer.alloc(0);
  private failed = false;
  private readonly emit: (text: string) => void;

  constructor(
    onRecord: (text: string) => void,
    private readonly options: ReadOptions = {},
    /** The bytes are NDJSON lines from a line's start (a share of a file): no sniffing, no BOM. */
    lines = false,
  ) {
    this.emit = (text) => {
      if (this.failed) return;
      try {
        onRecord(text);
      } catch (error) {
        this.failed = true;
        throw error;
      }
    };
    if (lines) {
      this.bom = undefined;
      this.splitter = new LineSplitter(this.emit, options);
    }
  }

  push(data: Buffer): void {
    if (this.failed) return;
    if (this.splitter) return this.splitter.push(data);
    let chunk = data;
    if (this.bom) {
      // A byte-order mark may itself arrive split: only its (at most 3) bytes are joined.
      const head = this.bom.length ? Buffer.concat([this.bom, chunk.subarray(0, 3)]) : chunk.subarray(0, 3);
      const prefix = Math.min(head.length, 3);
      if (head.subarray(0, prefix).equals(BOM.subarray(0, prefix))) {
        if (prefix < 3) {
          // A copy: the caller may reuse `data` once push returns.
          this.bom = Buffer.from(head);
          return;
        }
        chunk = chunk.subarray(3 - this.bom.length);
      } else if (this.bom.length) {
        chunk = Buffer.concat([this.bom, chunk]);
      }
      this.bom = undefined;
    }
    let first = 0;
    while (first < chunk.length && isBlank(chunk[first] as number)) first++;
    if (first === chunk.length) return;
    this.splitter =
      chunk[first] === OPEN_ARRAY
        ? new JsonArraySplitter(this.emit, this.options)
        : new LineSplitter(this.emit, this.options);
    this.splitter.push(chunk.subarray(first));
  }

  end(): void {
    if (!this.failed) this.splitter?.end();
  }
}

/** The UTF-8 byte-order mark, and the bytes a record may be preceded by (also grouping-parts.ts). */
export const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
export const isBlank = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

interface RecordSplitter {
  push(chunk: Buffer): void;
  end(): void;
}

const NEWLINE = 10;
const CR = 13;

/**
 * The pieces of one record that straddles chunks, joined once at its end. Past the record limit
 * they are dropped and the rest of the record is only scanned, never kept.
 */
class RecordPieces<T extends Buffer | string> {
  private pieces: T[] = [];
  private size = 0;
  private over = false;

  constructor(private readonly max: number) {}

  /** A record has begun and not ended. */
  get open(): boolean {
    return this.size > 0 || this.over;
  }

  add(piece: T): void {
    if (this.over || piece.length === 0) return;
    if (this.size + piece.length > this.max) {
      this.pieces = [];
      this.size = 0;
      this.over = true;
      return;
    }
    this.pieces.push(piece);
    this.size += piece.length;
  }

  /** The record's pieces, or undefined when it went over the limit; then ready for the next one. */
  take(): T[] | undefined {
    const { pieces, over } = this;
    this.pieces = [];
    this.size = 0;
    this.over = false;
    return over ? undefined : pieces;
  }
}

/**
 * NDJSON: one record per line; CRLF ends and blank lines are fine. A line that straddles chunks is
 * kept as a list of pieces and joined once; past the record limit it is skipped to its end.
 */
export class LineSplitter implements RecordSplitter {
  private readonly record: RecordPieces<Buffer>;
  private readonly max: number;

  constructor(
    private readonly emit: (text: string) => void,
    private readonly options: ReadOptions = {},
  ) {
    this.max = options.maxRecord ?? MAX_RECORD_BYTES;
    this.record = new RecordPieces(this.max);
  }

  push(chunk: Buffer): void {
    let start = 0;
    if (this.record.open) {
      const first = chunk.indexOf(NEWLINE);
      if (first === -1) return this.keep(chunk, 0, chunk.length);
      this.keep(chunk, 0, first);
      this.finish();
      start = first + 1;
    }
    const n = chunk.length;
    while (start < n) {
      // Blank lines, and the blanks that open a line, in a tight loop: no call per newline.
      let j = start;
      for (; j < n; j++) {
        const c = chunk[j] as number;
        if (c !== NEWLINE && c !== 0x20 && c !== 0x09 && c !== CR) break;
      }
      // Only blanks left: nothing to keep (a line's leading blanks mean nothing to JSON). A line
      // is measured and kept from its first byte that is not blank, wherever the reads fall: the
      // record cap must not depend on where a chunk (or a thread's share) begins.
      if (j === n) return;
      const end = chunk.indexOf(NEWLINE, j);
      if (end === -1) return this.keep(chunk, j, n);
      if (end - j > this.max) this.options.onOversized?.();
      else this.line(chunk, j, end);
      start = end + 1;
    }
  }

  end(): void {
    if (this.record.open) this.finish();
  }

  private keep(chunk: Buffer, from: number, to: number): void {
    // A copy of the piece (one per chunk at most): the chunk's buffer is read into again.
    this.record.add(Buffer.from(chunk.subarray(from, to)));
  }

  private finish(): void {
    const pieces = this.record.take();
    if (!pieces) return void this.options.onOversized?.();
    const joined = Buffer.concat(pieces);
    this.line(joined, 0, joined.length);
  }

  private line(buf: Buffer, start: number, end: number): void {
    const stop = end > start && buf[end - 1] === CR ? end - 1 : end;
    if (stop === start) return;
    const line = buf.toString('utf8', start, stop);
    if (line.charCodeAt(0) > 32 || line.trim()) this.emit(line);
  }
}

const QUOTE = 34;
const BACKSLASH = 92;
export const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const COMMA = 44;

/**
 * Emits the text of each element of a top-level JSON array (or of several arrays one after
 * another) as chunks arrive. It only tracks strings and nesting depth; each element is then
 * parsed by JSON.parse, which finds any syntax error inside it. An element that straddles chunks
 * is kept as a list of pieces and joined once; past the record limit it is scanned, not kept.
 */
export class JsonArraySplitter implements RecordSplitter {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private started = false;
  private readonly record: RecordPieces<string>;

  private readonly decoder = new StringDecoder('utf8');
  constructor(
    private readonly emit: (text: string) => void,
    private readonly options: ReadOptions = {},
  ) {
    this.record = new RecordPieces(options.maxRecord ?? MAX_RECORD_BYTES);
  }

  push(data: Buffer | string): void {
    // The decoder keeps a character split between two chunks for the next one.
    const chunk = typeof data === 'string' ? data : this.decoder.write(data);
    let from = this.started ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.inString = false;
        continue;
      }
      if (this.depth === 0) {
        if (c === OPEN_ARRAY) this.depth = 1;
        continue;
      }
      if (this.depth === 1 && (c === COMMA || c === CLOSE_ARRAY)) {
        if (from >= 0) this.keep(chunk, from, i);
        this.finish();
        from = -1;
        if (c === CLOSE_ARRAY) this.depth = 0;
        continue;
      }
      if (this.depth === 1 && !this.started && c > 32) {
        this.started = true;
        from = i;
      }
      if (c === QUOTE) this.inString = true;
      else if (c === OPEN_ARRAY || c === OPEN_OBJECT) this.depth++;
      else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) this.depth--;
    }
    if (this.started && from >= 0) this.keep(chunk, from, chunk.length);
  }

  /** A truncated file: hand over what is left, JSON.parse will reject it. */
  end(): void {
    this.finish();
  }

  private keep(chunk: string, from: number, to: number): void {
    this.record.add(chunk.slice(from, to));
  }

  private finish(): void {
    const pieces = this.record.take();
    this.started = false;
    if (!pieces) return void this.options.onOversized?.();
    const text = pieces.join('').trim();
    if (text) this.emit(text);
  }
}
