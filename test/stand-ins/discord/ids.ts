import { randomBytes } from 'node:crypto';

/** Discord's epoch (2015-01-01T00:00:00Z); snowflakes count milliseconds from it. */
const DISCORD_EPOCH = 1_420_070_400_000n;

/**
 * Makes snowflakes shaped like Discord's: a millisecond timestamp in the top 42 bits,
 * then worker, process and an increment. Current ones are 19 digits long.
 */
export class SnowflakeFactory {
  #increment = 0n;

  /** A new snowflake for `at` (epoch ms, default now). */
  next(at: number = Date.now()): string {
    this.#increment = (this.#increment + 1n) & 0xfffn;
    const timestamp = BigInt(at) - DISCORD_EPOCH;
    return ((timestamp << 22n) | (1n << 17n) | this.#increment).toString();
  }
}

/** The epoch milliseconds a snowflake was minted at. */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

/** The shard that receives a guild's events: `(guild_id >> 22) % shard_count`. */
export function shardOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/**
 * A bot token with the real layout: base64 of the bot's user id, a timestamp part and
 * an HMAC-like part (about 72 characters), so length and charset checks see the real thing.
 */
export function makeBotToken(botUserId: string): string {
  const userPart = Buffer.from(botUserId).toString('base64').replace(/=+$/, '');
  return `${userPart}.${randomBytes(4).toString('base64url').slice(0, 6)}.${randomBytes(28).toString('base64url')}`;
}

/** An interaction token like Discord's: base64 of `interaction:<id>:<secret>`, a couple of hundred characters. */
export function makeInteractionToken(interactionId: string): string {
  return Buffer.from(`interaction:${interactionId}:${randomBytes(96).toString('base64url')}`).toString('base64url');
}

/** A gateway session id: 32 hex characters. */
export function makeSessionId(): string {
  return randomBytes(16).toString('hex');
}
