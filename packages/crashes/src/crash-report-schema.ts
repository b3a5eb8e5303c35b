import * as z from 'zod';

/**
 * The crash report the app sends to `POST /api/crashes`, the single source of truth for
 * docs/crash-report.schema.json (generated from it by scripts/gen-crash-schema.ts).
 */
const isoTimestamp = z.iso.datetime({ offset: true });

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

export const crashReportSchema = z
  .object({
    type: z
      .string()
      .regex(TYPE_NAME, { error: 'must be a Dart type name like StateError' })
      .describe('Runtime type of the error, e.g. `StateError` or `_TypeError`.'),
    message: z.string().describe('`error.toString()` without the type prefix, as thrown.'),
    stackTrace: z
      .string()
      .describe('`StackTrace.toString()` in the Dart VM format (obfuscated traces accepted).'),
    fatal: z.boolean().describe('True when the error ended the session (uncaught, app closed).'),
    source: z
      .enum(SOURCES)
      .describe(
        'Which handler caught it: FlutterError.onError, PlatformDispatcher.onError or runZonedGuarded.',
      ),
    platform: z
      .string()
      .regex(PLATFORM, { error: `must be one of ${PLATFORMS.join(', ')}` })
      .describe('`defaultTargetPlatform.name` or `web`: android, iOS, macOS, windows, linux, fuchsia, web.'),
    appVersion: z
      .string()
      .regex(VERSION, { error: 'must be a version like 1.4.2 or 1.4.2+57' })
      .describe('Version name, e.g. `2.4.1` (`major.minor.patch`, optional `-pre` and `+build`).'),
    buildNumber: z
      .union([z.string().regex(BUILD_NUMBER, { error: 'must be a build number like 88' }), z.number()])
      .describe('Build number, e.g. `88`.'),
    osVersion: z.string().describe('Operating system version, e.g. `Android 14 (API 34)`.'),
    device: z.string().describe('Device model, e.g. `Pixel 8`.'),
    timestamp: isoTimestamp.describe('When it happened, ISO 8601 with a time zone.'),
    userId: z
      .string()
      .optional()
      .describe('A pseudonymous user id: counted, never shown. Do not send e-mail addresses.'),
    library: z.string().optional().describe('FlutterErrorDetails.library, e.g. `widgets library`.'),
    context: z.string().optional().describe('FlutterErrorDetails.context, e.g. `while building Foo`.'),
  })
  .describe('A crash report sent by the Flutter app to POST /api/crashes.');

export type CrashReport = z.infer<typeof crashReportSchema>;

// The schema's own pattern, so the fast check below accepts exactly the timestamps zod accepts.
export const TIMESTAMP = isoTimestamp._zod.def.pattern ?? z.regexes.datetime({ offset: true });
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
