import { fingerprintCrash, frameKey, MAX_FINGERPRINT_FRAMES, type Fingerprint } from './fingerprint';
import { isMemoFrame } from './frame-memo';
import type { Crash, Frame } from './report-normalize';

/**
 * fingerprintCrash for a stream of reports, without hashing each one. A frames fingerprint is a
 * function of the exception type and the keys of the first in-app frames (frameKey, consecutive
 * repeats once, at most MAX_FINGERPRINT_FRAMES): this walks those keys down a tree of the ones
 * seen so far and hashes only at a path's first visit. The keys of the frame-line memo's shared
 * frames are kept (the same string each time, so looking one up does not hash it again); other
 * frames' keys are made per report, as before. Traces that are obfuscated or have no in-app frame
 * go to fingerprintCrash itself. Bounded: past `limit` paths the tree starts over (a miss costs a
 * hash). The fingerprint-memo test holds it equal to fingerprintCrash over the corpora.
 */
export class FingerprintMemo {
  private readonly keys = new WeakMap<Frame, string>();
  private readonly byType = new Map<string, PathNode>();
  private nodes = 0;

  constructor(
    private readonly appPackage: string,
    private readonly limit = 65_536,
  ) {}

  of(crash: Crash): Fingerprint {
    if (crash.obfuscated) return fingerprintCrash(crash, this.appPackage);
    let node = this.byType.get(crash.type);
    if (node === undefined) {
      if (++this.nodes > this.limit) this.clear();
      node = new PathNode();
      this.byType.set(crash.type, node);
    }
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
    this.nodes = 0;
  }
}

class PathNode {
  next: Map<string, PathNode> | undefined = undefined;
  fp: Fingerprint | undefined = undefined;
}
