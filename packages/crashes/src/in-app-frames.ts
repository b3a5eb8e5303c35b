import { frame, gluedGap, isInAppUri, MAX_FRAME_LINE, MAX_FRAMES, type DartFrame } from './dart-stack';
import type { FrameLineMemo } from './frame-memo';
import { readFrame } from './frame-lines';

/**
 * The in-app frames of a trace, most recent first, found by searching for `package:<app>/` rather
 * than reading every line: on a large export most lines are framework frames, and this skips
 * them at the speed of indexOf. Only when that gives what parseDartStackTrace would (see
 * searchable): else undefined, and the caller parses the whole trace.
 */
export function inAppFramesByPackage(
  text: string,
  appPackages: readonly string[],
  memo?: FrameLineMemo,
): readonly DartFrame[] | undefined {
  if (appPackages.length !== 1 || !searchable(text)) return undefined;
  const marker = `package:${appPackages[0] as string}/`;
  const first = text.indexOf(marker);
  if (first === -1 || !memo) return inAppLines(text, marker, first, appPackages, memo);
  // What this reads is the lines from the first `package:<app>/` to the last: on a large export
  // the same few (one bug in one build) under framework frames that differ per report.
  const from = text.lastIndexOf('\n', first) + 1;
  // The last marker, searched forwards (lastIndexOf of a string is a slow backward scan).
  let last = first;
  for (
    let at = text.indexOf(marker, first + marker.length);
    at !== -1;
    at = text.indexOf(marker, at + marker.length)
  )
    last = at;
  let end = text.indexOf('\n', last);
  if (end === -1) end = text.length;
  const region = text.slice(from, end);
  // The memo's own array when it has these lines (memo.isKept): the same for every such trace.
  const hit = memo.region(region);
  if (hit) return hit;
  const frames = inAppLines(text, marker, first, appPackages, memo);
  return frames && memo.keepRegion(region, frames);
}

/** The shortest line that can be a frame (`a/b c`), with its line break. */
const MIN_FRAME_LINE = 6;

/**
 * True when only lines holding `package:<app>/` can give in-app frames, in a VM or a terse trace
 * alike: the text has none of the other in-app locations isInAppUri knows (`file:` URIs and URLs,
 * `lib/` paths, web debug `packages/` paths, scripts), nothing obfuscated (an `abs` frame or the
 * `*** ***` header turn the frames off), and too few lines to pass MAX_FRAMES frames, after which
 * the whole parse reads no further. Searches, not a read of every line.
 */
function searchable(text: string): boolean {
  if (text.length > 16 * 1024) return false;
  if (NOT_SEARCHABLE.test(text)) return false;
  if (text.length < MAX_FRAMES * MIN_FRAME_LINE) return true;
  let lines = 1;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1))
    if (++lines >= MAX_FRAMES) return false;
  return true;
}

// Literals only, so one linear scan (a dozen searches for each would cost more than the read):
// ` abs `, `file:`, `://`, `lib/` or `lib\`, `packages/`, `.js` or `.mjs`, `*** ***`. Each is
// found from a character that is rare in a trace (b, k, j, *; `:` for the two with a colon),
// looking back for the rest: every place a first character occurs is a place the scan tries a
// match, and starting from `a`, `l`, `p`, `.` or `/` tried one in five (a third of its time).
const NOT_SEARCHABLE =
  /(?<=\x20a)bs\x20|(?<=file):|:\/\/|(?<=li)b[/\\]|(?<=pac)kages\/|(?<=\.m?)js|\*\*\* \*\*\*/;

/** inAppFramesByPackage's read of the lines that hold `marker`, from `at` on. */
function inAppLines(
  text: string,
  marker: string,
  at: number,
  appPackages: readonly string[],
  memo: FrameLineMemo | undefined,
): DartFrame[] | undefined {
  const frames: DartFrame[] = [];
  let lastMember: string | undefined;
  let lastUri: string | undefined;
  let lines = 0;
  while (at !== -1) {
    const from = text.lastIndexOf('\n', at) + 1;
    let end = text.indexOf('\n', at);
    if (end === -1) end = text.length;
    if (end - from <= MAX_FRAME_LINE) {
      let line = text.slice(from, end).trim();
      const glued = gluedGap(line);
      if (glued !== undefined) line = glued;
      const read = memo?.read(line);
      const raw = read ? read.raw : read === null ? undefined : readFrame(line);
      if (raw && (read ? read.inApp : isInAppUri(raw[1], appPackages))) {
        if (raw[0] !== lastMember || raw[1] !== lastUri) {
          frames.push(read ? read.frame(false) : frame(raw[0], raw[1], raw[2], raw[3], false));
          lastMember = raw[0];
          lastUri = raw[1];
        }
      }
    }
    // Past MAX_FRAMES lines the whole parse counts instead of reading: let it decide.
    if (++lines > MAX_FRAMES) return undefined;
    at = text.indexOf(marker, end);
  }
  return frames;
}
