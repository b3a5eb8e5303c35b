import * as z from 'zod';
import { MAX_SENTRY_SECONDS } from './sentry-checks';

export { isSentryEvent, MAX_SENTRY_SECONDS } from './sentry-checks';

const sentryFrameSchema = z.object({
  function: z.string().optional(),
  abs_path: z.string().optional(),
  filename: z.string().optional(),
  module: z.string().optional(),
  package: z.string().optional(),
  lineno: z.number().optional(),
  colno: z.number().optional(),
  in_app: z.boolean().optional(),
  instruction_addr: z.string().optional(),
});

/** The parts of a Sentry event we use (frames oldest first, REFERENCE §4). */
export const sentryEventSchema = z.object({
  exception: z.object({
    values: z
      .array(
        z.object({
          type: z.string().optional(),
          value: z.string().optional(),
          mechanism: z.object({ type: z.string().optional(), handled: z.boolean().optional() }).optional(),
          stacktrace: z.object({ frames: z.array(sentryFrameSchema).optional() }).nullish(),
        }),
      )
      .min(1),
  }),
  timestamp: z.union([z.number().min(0).max(MAX_SENTRY_SECONDS), z.iso.datetime({ offset: true })]),
  level: z.string().optional(),
  release: z.string().optional(),
  dist: z.string().optional(),
  platform: z.string().optional(),
  user: z.object({ id: z.union([z.string(), z.number()]).optional() }).nullish(),
  contexts: z
    .object({
      os: z.object({ name: z.string().optional(), version: z.string().optional() }).optional(),
      device: z.object({ model: z.string().optional(), family: z.string().optional() }).optional(),
      app: z.object({ app_version: z.string().optional(), app_build: z.string().optional() }).optional(),
    })
    .optional(),
});

export type SentryEvent = z.infer<typeof sentryEventSchema>;
