import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  plant,
  runAction,
  startDiscordServer,
  webhookExamples,
  type DiscordServer,
} from '@sre-toolkit/testkit';

/**
 * Every example payload GitHub documents, with @everyone, a role ping and a masked link planted in
 * its text, through the committed bundle to the Discord stand-in: no crash, no rejection, no ping.
 */
let discord: DiscordServer;
beforeAll(async () => {
  discord = await startDiscordServer();
});
afterAll(async () => {
  await discord.close();
});

const byEvent = new Map<string, Record<string, unknown>[]>();
for (const { event, payload } of webhookExamples())
  byEvent.set(event, [...(byEvent.get(event) ?? []), plant(payload)]);

describe('every example event through the bundle', () => {
  it.each([...byEvent.entries()].map(([event, payloads]) => [event, payloads] as const))(
    '%s: each example is delivered, accepted and pings nobody',
    async (event, payloads) => {
      const runs = await Promise.all(
        payloads.map((payload) =>
          runAction('discord-notify', {
            eventName: event,
            event: payload,
            inputs: { 'webhook-url': discord.webhookUrl() },
          }),
        ),
      );
      for (const run of runs) {
        expect(run.annotations).toEqual([]);
        expect(run.exitCode).toBe(0);
        expect(run.outputs.sent).toBe('true');
        const sent = discord.received.find((r) => r.id === run.outputs['message-ids']);
        expect(sent).toBeDefined();
        expect(sent?.body.allowed_mentions).toEqual({ parse: [], users: [], roles: [] });
        expect(JSON.stringify(sent?.body)).not.toMatch(/@(everyone|here)/);
      }
      expect(discord.rejected).toEqual([]);
    },
  );
});
