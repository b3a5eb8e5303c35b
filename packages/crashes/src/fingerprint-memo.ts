import {
  fingerprintCrash,
  frameKey,
  MAX_FINGERPRINT_FRAMES,
  MAX_FINGERPRINT_OFFSETS,
  type Fingerprint,
} from './fingerprint';
import { isMemoFrame } from './frame-memo';
import type { Crash, Frame } from './report-normalize';

/**
 * fingerprintCrash for a stream of reports, without hashing each one. A frames fingerprint is a
 * function of the exception type and the keys of the first in-app frames (frameKey, consecutive
 * repeats once, at most MAX_FINGERPRINT_FRAMES): this walks those keys down a tree of the ones
 * seen so far and hashes only at a path's first visit. The keys of the frame-line memo's shared
 * frames are kept (the same string each time, so looking one up does not hash it again); other
 * frames' keys are made per report, as before. Obfuscated traces walk their build and offsets
 * down a tree of their own; traces with neither in-app frames nor offsets go to fingerprintCrash.
 * Bounded: past `limit` paths the tree starts over (a miss costs a hash). The fingerprint-memo test holds it equal to fingerprintCrash over the corpora.
 */
export class FingerprintMemo {
  private readonly keys = new WeakMap<Frame, string>();
  private readonly byType = new Map<string, PathNode>();
  private readonly byTypeObfuscated = new Map<string, PathNode>();
  private nodes = 0;

  constructor(
    private readonly appPackage: string,
    private readonly limit = 65_536,
  ) {}

  of(crash: Crash): Fingerprint {
    if (crash.obfuscated) return this.ofAddresses(crash);
    let node = this.root(this.byType, crash.type);
    let last: string | undefined;
    let depth = 0;
    for (const frame of crash.frames) {
      if (!frame.inApp) continue;
      const key = this.keyOf(frame);
      if (key === last) continue;
      last = key;
      node = this.child(node, key);
      if (++depth === MAX_FINGERPRINT_FRAMES) break;
    }
    // No in-app frame: the message decides (fingerprintCrash memoizes that itself).
    if (depth === 0) return fingerprintCrash(crash, this.appPackage);
    return (node.fp ??= fingerprintCrash(crash, this.appPackage));
  }

  /**
   * An obfuscated trace's: a function of its type, build and first offsets (fingerprintCrash),
   * walked down a tree of its own like the frame keys; without offsets, the message decides.
   */
  private ofAddresses(crash: Crash): Fingerprint {
    const offsets = crash.offsets;
    if (!offsets?.length) return fingerprintCrash(crash, this.appPackage);
    const n = Math.min(offsets.length, MAX_FINGERPRINT_OFFSETS);
    // Real offsets are a few dozen characters; a hostile one (a frame line of hex) is not kept.
    for (let i = 0; i < n; i++)
      if ((offsets[i] as string).length > MAX_OFFSET_KEY) return fingerprintCrash(crash, this.appPackage);
    let node = this.child(this.root(this.byTypeObfuscated, crash.type), crash.buildId ?? 'unknown');
    for (let i = 0; i < n; i++) node = this.child(node, offsets[i] as string);
    return (node.fp ??= fingerprintCrash(crash, this.appPackage));
  }

  private root(roots: Map<string, PathNode>, type: string): PathNode {
    let node = roots.get(type);
    if (node === undefined) {
      if (++this.nodes > this.limit) this.clear();
      node = new PathNode();
      roots.set(type, node);
    }
    return node;
  }

  private keyOf(frame: Frame): string {
    let key = this.keys.get(frame);
    if (key === undefined) {
      key = frameKey(frame, this.appPackage);
      if (isMemoFrame(frame)) this.keys.set(frame, key);
    }
    return key;
  }

  private child(node: PathNode, key: string): PathNode {
    const next = (node.next ??= new Map());
    let child = next.get(key);
    if (child === undefined) {
      if (++this.nodes > this.limit) {
        // Start over: the path walked so far is rebuilt below the fresh root by the next reports.
        this.clear();
      }
      child = new PathNode();
      next.set(key, child);
    }
    return child;
  }

  private clear(): void {
    this.byType.clear();
    this.byTypeObfuscated.clear();
    this.nodes = 0;
  }
}

/** `virt:` and 16 hex digits, or a symbol and its offset: longer offsets are hashed, not kept. */
const MAX_OFFSET_KEY = 128;

class PathNode {
  next: Map<string, PathNode> | undefined = undefined;
  fp: Fingerprint | undefined = undefined;
}
