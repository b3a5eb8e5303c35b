import type { IncidentIssue, RunInfo } from '@sre-toolkit/github';
import type { StreakState } from './decide';
import type { RateState } from './rate';
import { rateKey, streakKey, type ScanResult, type Target } from './scan';

/**
 * The write side, planned: what a scan's events mean for incidents (streaks and failure rates
 * alike), as data. Pure: scan state in, changes out; the incident writer and the message builders
 * carry them out.
 */

export type IncidentChange = {
  readonly target: Target;
  /** The incident's marker key. */
  readonly key: string;
  /** Its open issue, when there is one. */
  readonly issue?: IncidentIssue;
} & (
  | {
      /**
       * open: alert and open an issue; remind: alert again and comment; record: update the issue
       * silently; close: send a recovery and close the issue.
       */
      readonly change: 'open' | 'remind' | 'record' | 'close';
      readonly state: StreakState;
      /** close: the run that ended the streak. */
      readonly fixedBy?: RunInfo;
    }
  | { readonly change: 'open' | 'close'; readonly state: RateState }
);

/** What each change sends: alerts and reminders ping the `mention` list; recoveries never do. */
export type DetectorAlertKind =
  'alert' | 'reminder' | 'recovery' | 'rate' | 'rate-cleared' | 'silent' | 'silent-recovered';

export function alertKind(c: IncidentChange): DetectorAlertKind | undefined {
  if (c.state.kind === 'rate') return c.change === 'open' ? 'rate' : 'rate-cleared';
  return ({ open: 'alert', remind: 'reminder', close: 'recovery', record: undefined } as const)[c.change];
}

export const pings = (c: IncidentChange) => c.change === 'open' || c.change === 'remind';

/** One change per event worth acting on, in scan order: a target's streak, then its rate. */
export function planIncidents(scan: ScanResult, rates: boolean): IncidentChange[] {
  const changes: IncidentChange[] = [];
  for (const target of scan.targets) {
    const key = streakKey(target.workflow.id, target.branch);
    const issue = target.streakIssue;
    const on = { target, key, ...(issue ? { issue } : {}) };
    for (const event of target.events) {
      if (event.kind === 'ongoing') continue;
      if (event.kind === 'recovered')
        changes.push({
          ...on,
          change: 'close',
          state: event.state,
          ...(event.fixedBy ? { fixedBy: event.fixedBy } : {}),
        });
      else if (event.kind === 'new') changes.push({ ...on, change: 'open', state: event.state });
      else if (event.kind === 'reminder') changes.push({ ...on, change: 'remind', state: event.state });
      else if (issue) changes.push({ ...on, change: 'record', state: event.state });
    }
    const rate = target.rate;
    if (rates && rate && rate.change !== 'none') {
      changes.push({
        target,
        key: rateKey(target.workflow.id, target.branch),
        ...(rate.issue ? { issue: rate.issue } : {}),
        change: rate.change === 'fire' ? 'open' : 'close',
        state: rate.state,
      });
    }
  }
  return changes;
}
