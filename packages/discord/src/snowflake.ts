/** Discord's epoch: the first second of 2015 (UTC), in ms. */
const DISCORD_EPOCH = 1_420_070_400_000n;

/**
 * When Discord created the object with this id: a snowflake's top 42 bits are milliseconds since
 * Discord's epoch. So the message posted when a deploy started carries the deploy's start time.
 */
export function snowflakeTime(id: string): Date | undefined {
  if (!/^\d{1,25}$/.test(id)) return undefined;
  const ms = (BigInt(id) >> 22n) + DISCORD_EPOCH;
  return ms > DISCORD_EPOCH ? new Date(Number(ms)) : undefined;
}
