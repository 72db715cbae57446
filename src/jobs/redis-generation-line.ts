import type { RedisClientType } from '@keyv/redis';
import { withTimeout } from '../store/timeout.js';
import type { GenerationLine, LinePlace } from './generation-line.js';

export interface RedisGenerationLineOptions {
  /** Generations at once across every process: the account tier's. */
  slots: number;
  /**
   * How long a slot stays taken without being given back. Longer than any job holds one; it
   * only frees the slot of a job whose every process died and whose record was lost.
   */
  slotTtlMs: number;
  /** Default `generation-line:`. */
  keyPrefix?: string;
  /** Default 2 s. */
  timeoutMs?: number;
}

/**
 * Keys, under the prefix:
 *   slots   zset: jobs holding a slot, by when the slot lapses
 *   line    zset: jobs waiting, by when they joined
 * ARGV[1] is the prefix and ARGV[2] the time now; lapsed slots are cleared before each decision.
 */
const PRELUDE = `
local SLOTS, LINE = ARGV[1] .. 'slots', ARGV[1] .. 'line'
redis.call('ZREMRANGEBYSCORE', SLOTS, '-inf', ARGV[2])
`;

/** ARGV: prefix, now, job id, joined at, slot lapses at, slots. Replies {1, waiting} or {0, waiting, ahead}. */
const CLAIM = `${PRELUDE}
local id = ARGV[3]
if redis.call('ZSCORE', SLOTS, id) then return {1, redis.call('ZCARD', LINE)} end
redis.call('ZADD', LINE, 'NX', ARGV[4], id)
local rank = redis.call('ZRANK', LINE, id)
if rank < tonumber(ARGV[6]) - redis.call('ZCARD', SLOTS) then
  redis.call('ZREM', LINE, id)
  redis.call('ZADD', SLOTS, ARGV[5], id)
  return {1, redis.call('ZCARD', LINE)}
end
return {0, redis.call('ZCARD', LINE), rank}
`;

/** ARGV: prefix, now, job id, slot lapses at. */
const HOLD = `${PRELUDE}
redis.call('ZREM', LINE, ARGV[3])
redis.call('ZADD', SLOTS, ARGV[4], ARGV[3])
return {}
`;

/** ARGV: prefix, now, job id, slots. Replies {waiting, next job ids…}. */
const RELEASE = `${PRELUDE}
redis.call('ZREM', SLOTS, ARGV[3])
redis.call('ZREM', LINE, ARGV[3])
local free = tonumber(ARGV[4]) - redis.call('ZCARD', SLOTS)
local reply = {redis.call('ZCARD', LINE)}
if free > 0 then
  for _, id in ipairs(redis.call('ZRANGE', LINE, 0, free - 1)) do reply[#reply + 1] = id end
end
return reply
`;

/**
 * The line shared by every process on the same Redis. Each decision is one Lua script, so two
 * processes never hand out the same slot.
 */
export class RedisGenerationLine implements GenerationLine {
  readonly #client: RedisClientType;
  readonly #options: Required<RedisGenerationLineOptions>;

  constructor(client: RedisClientType, options: RedisGenerationLineOptions) {
    this.#client = client;
    this.#options = { keyPrefix: 'generation-line:', timeoutMs: 2_000, ...options };
  }

  get slots(): number {
    return this.#options.slots;
  }

  async claim(jobId: string, joinedAt: number, now: number): Promise<LinePlace> {
    const { slots, slotTtlMs } = this.#options;
    const [admitted, waiting, ahead] = (await this.#run(CLAIM, now, jobId, joinedAt, now + slotTtlMs, slots)).map(
      Number,
    );
    return admitted === 1
      ? { admitted: true, waiting: count(waiting) }
      : { admitted: false, ahead: count(ahead), waiting: count(waiting) };
  }

  async hold(jobId: string, now: number): Promise<void> {
    await this.#run(HOLD, now, jobId, now + this.#options.slotTtlMs);
  }

  async release(jobId: string, now: number): Promise<{ next: string[]; waiting: number }> {
    const [waiting, ...next] = await this.#run(RELEASE, now, jobId, this.#options.slots);
    return { next: next.map(String), waiting: count(Number(waiting)) };
  }

  async #run(script: string, now: number, ...args: Array<string | number>): Promise<unknown[]> {
    const reply = await withTimeout(
      this.#client.eval(script, { arguments: [this.#options.keyPrefix, String(now), ...args.map(String)] }),
      this.#options.timeoutMs,
    );
    if (!Array.isArray(reply)) throw new Error(`unexpected reply from Redis: ${JSON.stringify(reply)}`);
    return reply;
  }
}

function count(value: number | undefined): number {
  if (value === undefined || !Number.isSafeInteger(value)) throw new Error(`expected a count from Redis: ${value}`);
  return value;
}
