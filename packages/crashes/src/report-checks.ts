import type { CrashReport } from './crash-report-schema';

/**
 * The crash report's field rules and the plain check of a whole report, without zod: what every
 * report goes through. The zod schemas (crash-report-schema.ts, sentry-event-schema.ts) decide and
 * explain only what these do not accept, and are loaded only then (start-up, #16).
 */

/**
 * Fields with a known shape are held to it: they are shown in Discord, the summary and the
 * outputs, so a report cannot put a link or personal data there (`appVersion: "99.[re-login](…)"`).
 */
export const VERSION =
  /^(?:unknown|\d{1,9}(?:\.\d{1,9}){0,3}(?:-[0-9A-Za-z][0-9A-Za-z.-]{0,31})?(?:\+[0-9A-Za-z][0-9A-Za-z.-]{0,31})?)$/;
/** A Dart runtime type as `runtimeType` prints it: `StateError`, `_TypeError`, `Foo<int, String?>`. */
export const TYPE_NAME = /^[A-Za-z_$][\w$]{0,127}(?:<[\w$<>, ?]{1,128}>)?$/;
export const BUILD_NUMBER = /^(?:[0-9A-Za-z][0-9A-Za-z.-]{0,31})?$/;
/** `defaultTargetPlatform.name` and `web`, as Flutter spells them or in lower case. */
export const PLATFORMS = ['android', 'ios', 'macos', 'windows', 'linux', 'fuchsia', 'web'] as const;
// Any case, spelled out (`[aA][nN]…`): JSON Schema patterns have no `i` flag, and the published
// schema must accept what this does.
export const PLATFORM = new RegExp(
  `^(?:${PLATFORMS.map((p) => [...p].map((c) => `[${c}${c.toUpperCase()}]`).join('')).join('|')})$`,
);
export const SOURCES = ['flutter', 'platform', 'zone'] as const;

/**
 * `z.iso.datetime({ offset: true })`'s own pattern (zod 4), written out so that checking a report
 * does not load zod; a unit test holds it equal to the schema's.
 */
export const TIMESTAMP =
  /^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|([+-](?:[01]\d|2[0-3]):[0-5]\d)))$/;
export const optionalString = (v: unknown) => v === undefined || typeof v === 'string';

/**
 * The crash report schema's rules as plain checks, for the common case of a valid report: zod's
 * parse copies every report and costs more than JSON.parse on a large export (bench/crash-digest).
 * Anything it does not accept goes through zod, which decides and explains; a unit test keeps the
 * two in agreement.
 */
export function isCrashReport(v: Record<string, unknown>): v is CrashReport {
  return (
    typeof v.type === 'string' &&
    TYPE_NAME.test(v.type) &&
    typeof v.message === 'string' &&
    typeof v.stackTrace === 'string' &&
    typeof v.fatal === 'boolean' &&
    (SOURCES as readonly unknown[]).includes(v.source) &&
    typeof v.platform === 'string' &&
    PLATFORM.test(v.platform) &&
    typeof v.appVersion === 'string' &&
    VERSION.test(v.appVersion) &&
    ((typeof v.buildNumber === 'string' && BUILD_NUMBER.test(v.buildNumber)) ||
      (typeof v.buildNumber === 'number' && Number.isFinite(v.buildNumber))) &&
    typeof v.osVersion === 'string' &&
    typeof v.device === 'string' &&
    typeof v.timestamp === 'string' &&
    TIMESTAMP.test(v.timestamp) &&
    optionalString(v.userId) &&
    optionalString(v.library) &&
    optionalString(v.context)
  );
}
