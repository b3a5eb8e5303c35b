import { formatDuration } from '@sre-toolkit/action';
import { formatBytes } from './byte-size';

/** No crash report needs more: a longer record is skipped, the rest of it never buffered. */
export const MAX_RECORD_BYTES = 1024 * 1024;

/** Why reading ended early: what was read is kept, the rest of the sources is not read. */
export class ReadStopped extends Error {}

/**
 * The time and bytes one run may spend reading its sources (all of them together). Reading
 * groups as it goes, so the deadline bounds grouping too. The clock is passed in.
 */
export class ReadBudget {
  private readonly deadline: number;
  private received = 0;
  private unpacked = 0;

  /** When the budget began (on its clock): a share read on another thread keeps the same deadline. */
  readonly startedAt: number;

  constructor(
    readonly limits: { readonly timeoutMs: number; readonly maxBytes: number },
    private readonly clock: () => number = Date.now,
    startedAt?: number,
  ) {
    this.startedAt = startedAt ?? clock();
    this.deadline = this.startedAt + limits.timeoutMs;
  }

  /** Milliseconds left before the deadline (0 or less: none). */
  left(): number {
    return this.deadline - this.clock();
  }

  /** `source-timeout (5m)`: the input that set the deadline, for messages. */
  get timeout(): string {
    return `source-timeout (${formatDuration(this.limits.timeoutMs)})`;
  }

  timeUp(what: string): ReadStopped {
    return new ReadStopped(`${this.timeout} ran out reading ${what}`);
  }

  /** Throws ReadStopped once the deadline has passed. */
  checkTime(what: string): void {
    if (this.left() <= 0) throw this.timeUp(what);
  }

  /**
   * Counts bytes as they arrive (`received`: from disk or the network; `unpacked`: out of gzip),
   * and throws ReadStopped before a chunk would go over the cap.
   */
  take(bytes: number, kind: 'received' | 'unpacked', what: string): void {
    const total = (kind === 'received' ? this.received : this.unpacked) + bytes;
    const cap = `source-max-bytes (${formatBytes(this.limits.maxBytes)})`;
    if (total > this.limits.maxBytes) {
      throw new ReadStopped(
        kind === 'received'
          ? `${cap} reached in ${what}`
          : `${cap} reached unpacking the gzip body of ${what}`,
      );
    }
    if (kind === 'received') this.received = total;
    else this.unpacked = total;
  }
}

export interface ReadOptions {
  /** Longer records (bytes of an NDJSON line, characters of an array element) are skipped. */
  readonly maxRecord?: number;
  /** Called once for each record skipped for its size. */
  readonly onOversized?: () => void;
  /** Time and byte limits; none without one. */
  readonly budget?: ReadBudget;
  /** How messages name the source. */
  readonly what?: string;
  /** Called after each chunk's records: reading waits for the promise it returns, if any. */
  readonly pause?: () => Promise<void> | undefined;
}
