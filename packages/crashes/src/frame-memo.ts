import { frame, isInAppUri, type DartFrame } from './dart-stack';
import { readFrame, type RawFrame } from './frame-lines';

/**
 * Frame lines read once: a large export prints the same few thousand frame lines (the same code,
 * the same build) hundreds of thousands of times, in traces that as a whole rarely repeat (their
 * depth, gaps and versions differ). What a line reads as depends only on its text (for a VM line,
 * the text after its `#N`), so each distinct frame line is read, checked for being in-app and made
 * a frame once, and every report that prints it shares that frame. Bounded: past `limit` lines it
 * starts again, so memory stays flat; a miss costs only the read it would have saved.
 */
export class FrameLineMemo {
  private readonly vm = new Map<string, LineRead>();
  private readonly other = new Map<string, LineRead>();

  /** In-app frames by the text of a trace's in-app lines (inAppFramesByPackage), never changed. */
  private readonly regions = new Map<string, readonly DartFrame[]>();

  constructor(
    /** The packages `inApp` is for (the trace cache's). */
    readonly appPackages: readonly string[],
    private readonly limit = 16_384,
  ) {}

  /**
   * The frames read from these lines before (the text from a trace's first in-app line to its
   * last: inAppFramesByPackage reads nothing else), if kept.
   */
  region(text: string): readonly DartFrame[] | undefined {
    return this.regions.get(text);
  }

  /** Keeps the frames read from these lines; what to use: the kept array, or `frames` when not kept. */
  keepRegion(text: string, frames: readonly DartFrame[]): readonly DartFrame[] {
    if (text.length > MAX_REGION) return frames;
    // As many regions as lines (a region's text is at most MAX_REGION): a quarter of that started
    // over three times on a realistic export, and each start gave every region a new array, whose
    // fingerprints the grouper then looked up again (streaming-grouper.ts keys them by the array).
    if (this.regions.size >= this.limit) this.regions.clear();
    const kept = frames.slice();
    this.regions.set(ownCopy(text), kept);
    keptRegions.add(kept);
    return kept;
  }

  /** True for an array of frames region() hands out: shared by every trace with those lines. */
  isKept(frames: readonly DartFrame[]): boolean {
    return keptRegions.has(frames);
  }

  /**
   * A trimmed line as read: its frame; null when it is no frame; undefined when the memo does not
   * keep such lines (unusual or long ones): the caller reads it itself.
   */
  read(line: string): LineRead | null | undefined {
    let key = line;
    let map = this.other;
    if (line.charCodeAt(0) === 35 /* # */) {
      // `#12     Foo.bar (…)`: the frame number and padding change nothing of what it reads as.
      let i = 1;
      while (isDigit(line.charCodeAt(i))) i++;
      const space = line.charCodeAt(i);
      if (i === 1 || (space !== 32 && space !== 9)) return undefined;
      while (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9) i++;
      key = line.slice(i);
      map = this.vm;
    }
    if (key.length > MAX_KEY) return undefined;
    if (map === this.other && isLabelProse(line)) return null;
    const hit = map.get(key);
    if (hit !== undefined) return hit;
    const raw = readFrame(line);
    // Prose between frames (`pid: …`) is cheap to read again and often differs per report.
    if (!raw) return null;
    const made = new LineRead(
      [ownCopy(raw[0]), ownCopy(raw[1]), raw[2], raw[3]],
      isInAppUri(raw[1], this.appPackages),
    );
    if (this.vm.size + this.other.size >= this.limit) {
      this.vm.clear();
      this.other.clear();
    }
    map.set(ownCopy(key), made);
    return made;
  }
}

/**
 * `pid: 4711, tid: 4712, name 1.ui`, `isolate_dso_base: 7b1c4f2000, …` (an obfuscated trace's
 * header, different in every report): a first word ending in `:` and no `@` is no frame in any
 * format readFrame knows (no location ends in `:`, and without `@` the browsers' form needs a line
 * without blanks). Said without a lookup or a read.
 */
function isLabelProse(line: string): boolean {
  let i = 0;
  while (i < line.length && line.charCodeAt(i) !== 32 && line.charCodeAt(i) !== 9) i++;
  return i > 0 && i < line.length && line.charCodeAt(i - 1) === 58 /* : */ && !line.includes('@');
}

/** Longer lines are read every time: keeping them would cost more memory than it saves. */
const MAX_KEY = 512;
/** Regions (several in-app lines) longer than this are read every time, for the same reason. */
const MAX_REGION = 2048;
const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * The text as a string of its own: a slice of a report's trace keeps the whole trace alive, which
 * what the memo keeps must not. (Slicing a concatenation copies it, flattened.)
 */
const ownCopy = (text: string) => `${text} `.slice(0, -1);

/** A frame made by the memo: it knows whether it is in-app (for the memo's packages). */
export type MemoFrame = DartFrame & { readonly inApp: boolean };

/** Every array of frames a memo keeps for a region: never changed. */
const keptRegions = new WeakSet<readonly DartFrame[]>();

/** Every frame a memo made: shared by all the reports that print its line, never changed. */
const memoFrames = new WeakSet<object>();

/** True for a frame a FrameLineMemo made (one object for every report that prints its line). */
export const isMemoFrame = (frame: object): boolean => memoFrames.has(frame);

/** One distinct frame line, read. */
export class LineRead {
  private plain: MemoFrame | undefined;
  private afterGap: MemoFrame | undefined;

  constructor(
    readonly raw: RawFrame,
    /** In-app for the memo's packages. */
    readonly inApp: boolean,
  ) {}

  /** The line's frame, the same object each time (frames are never changed once made). */
  frame(afterAsyncGap: boolean): MemoFrame {
    if (afterAsyncGap) return (this.afterGap ??= this.make(true));
    return (this.plain ??= this.make(false));
  }

  private make(afterAsyncGap: boolean): MemoFrame {
    const [member, uri, lineNo, col] = this.raw;
    const made = Object.assign(frame(member, uri, lineNo, col, afterAsyncGap), { inApp: this.inApp });
    memoFrames.add(made);
    return made;
  }
}
