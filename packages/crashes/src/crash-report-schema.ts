import * as z from 'zod';
import { BUILD_NUMBER, PLATFORM, PLATFORMS, SOURCES, TYPE_NAME, VERSION } from './report-checks';

/**
 * The crash report the app sends to `POST /api/crashes`, the single source of truth for
 * docs/crash-report.schema.json (generated from it by scripts/gen-crash-schema.ts).
 */
const isoTimestamp = z.iso.datetime({ offset: true });

export {
  BUILD_NUMBER,
  isCrashReport,
  optionalString,
  PLATFORM,
  PLATFORMS,
  SOURCES,
  TIMESTAMP,
  TYPE_NAME,
  VERSION,
} from './report-checks';

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
