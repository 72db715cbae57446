import type { RedisClientType } from '@keyv/redis';
import type Keyv from 'keyv';
import {
  type AtomicEntries,
  type ChangeOutcome,
  type EntryChange,
  type KeyvCodec,
  keyvCodec,
  keyvKey,
} from './atomic-entries.js';

/**
 * `planChange` (atomic-entries.ts) in Lua, over the values as Keyv stores them (`{"value":…,"expires":…}`, with a
 * PX expiry to match). KEYS: every entry the change touches. ARGV[1]: the change as JSON, entries
 * named by their index in KEYS, the record already serialized by Keyv; ARGV[2]: the clock (epoch ms);
 * ARGV[3], when given: the index of a key outside the namespace that the change takes (moves in and
 * deletes), which must still exist. Redis runs a script with nothing else in between, so a change
 * is atomic across processes.
 */
const APPLY = `
local change = cjson.decode(ARGV[1])
local clock = tonumber(ARGV[2])
local taken = tonumber(ARGV[3])
local NULL = cjson.null
if taken and redis.call('EXISTS', KEYS[taken]) == 0 then return { 'gone' } end

-- An entry as Keyv stores it, or nil when absent or past its expiry.
local function read(k)
  local raw = redis.call('GET', KEYS[k])
  if not raw then return nil end
  local entry = cjson.decode(raw)
  if type(entry.expires) == 'number' and clock > entry.expires then return nil end
  return entry, raw
end

local function number_in(entry, k)
  if not entry then return 0 end
  if type(entry.value) ~= 'number' then error('an atomic counter holds no number: ' .. KEYS[k]) end
  return entry.value
end

-- At least ttl ms more, or for ever for an entry Keyv keeps for ever.
local function later_expiry(entry, ttl)
  if entry and type(entry.expires) ~= 'number' then return nil end
  local at = clock + ttl
  if entry and entry.expires > at then return entry.expires end
  return at
end

local function integer(n)
  if n == 0 then return '0' end
  return string.format('%.0f', n)
end

local function write(k, value, expires)
  if expires then
    redis.call('SET', KEYS[k], '{"value":' .. value .. ',"expires":' .. integer(expires) .. '}',
      'PX', math.max(1, expires - clock))
  else
    redis.call('SET', KEYS[k], '{"value":' .. value .. '}')
  end
end

local record = change.record
if record ~= nil then
  local entry, raw = read(record.k)
  local state = NULL
  if entry then state = entry.value.state end
  if state ~= record.from then return { 'record', raw or false } end
end
for i, guard in ipairs(change.unchanged) do
  if number_in(read(guard.k), guard.k) ~= guard.value then return { 'changed', i - 1 } end
end
local sums = {}
for i, add in ipairs(change.add) do
  local entry = read(add.k)
  if entry or not add.ifPresent then
    local sum = number_in(entry, add.k) + add.by
    if add.max ~= NULL then
      local max = add.max
      if add.raisedBy then max = max + number_in(read(add.raisedBy), add.raisedBy) end
      if sum > max then return { 'exceeded', i - 1, max } end
    end
    sums[#sums + 1] = { add.k, sum, later_expiry(entry, add.ttl) }
  end
end
-- Objects by KEYS index, each { fields, expires }; several fields of one may be written.
local maps, order = {}, {}
for _, field in ipairs(change.fields) do
  local map = maps[field.k]
  if not map then
    local entry = read(field.k)
    map = { {}, nil }
    if entry then map[1] = entry.value; map[2] = entry.expires end
    if not entry then map[2] = clock + field.ttl end
    maps[field.k] = map
    order[#order + 1] = field.k
  end
  if field.value == NULL then map[1][field.field] = nil else map[1][field.field] = field.value end
  if type(map[2]) == 'number' then map[2] = math.max(map[2], clock + field.ttl) end
end

if record ~= nil then redis.call('SET', KEYS[record.k], record.raw, 'PX', math.max(1, record.expires - clock)) end
for _, sum in ipairs(sums) do write(sum[1], integer(sum[2]), sum[3]) end
for _, k in ipairs(order) do write(k, cjson.encode(maps[k][1]), maps[k][2]) end
if taken then redis.call('DEL', KEYS[taken]) end
return { 'applied' }
`;

/** How the Keyv adapter for Redis names a key in its namespace (`@keyv/redis`'s `createKeyPrefix`). */
interface KeyPrefixing {
  createKeyPrefix(key: string, namespace?: string): string;
}

/** Atomic entries in Redis, beside the Keyv adapter's own keys and in its format: one script per change. */
export class RedisAtomicEntries implements AtomicEntries {
  readonly #client: RedisClientType;
  readonly #namespace: string;
  readonly #adapter: KeyPrefixing;
  readonly #codec: KeyvCodec;

  constructor(client: RedisClientType, keyv: Keyv, namespace: string) {
    this.#client = client;
    this.#namespace = namespace;
    this.#adapter = keyv.store as KeyPrefixing;
    this.#codec = keyvCodec(keyv);
  }

  async apply(change: EntryChange): Promise<ChangeOutcome> {
    const outcome = await this.#apply(change);
    if (outcome === 'gone') throw new Error('unexpected reply from Redis: gone');
    return outcome;
  }

  /**
   * Applies `change` and deletes `taken`, a Redis key outside the namespace, with it: for moving
   * data in from another layout. Does nothing, and resolves `gone`, once `taken` no longer exists.
   */
  applyTaking(change: EntryChange, taken: string): Promise<ChangeOutcome | 'gone'> {
    return this.#apply(change, taken);
  }

  async #apply(change: EntryChange, taken?: string): Promise<ChangeOutcome | 'gone'> {
    const keys: string[] = [];
    /** The entry's place in KEYS, from 1 as Lua counts. */
    const k = (key: string) => {
      const stored = this.#adapter.createKeyPrefix(keyvKey(this.#namespace, key), this.#namespace);
      const index = keys.indexOf(stored);
      return index === -1 ? keys.push(stored) : index + 1;
    };
    const clock = Date.now();
    const { record } = change;
    const script = {
      ...(record && {
        record: {
          k: k(record.key),
          from: record.from,
          raw: this.#codec.serialize({ value: record.value, expires: record.expires }),
          expires: record.expires,
        },
      }),
      unchanged: (change.unchanged ?? []).map(({ key, value }) => ({ k: k(key), value })),
      add: (change.add ?? []).map(({ key, by, max, raisedBy, ttlMs, ifPresent }) => ({
        k: k(key),
        by,
        max: max ?? null,
        ...(raisedBy !== undefined && { raisedBy: k(raisedBy) }),
        ttl: ttlMs,
        ifPresent: ifPresent ?? false,
      })),
      fields: (change.fields ?? []).map(({ key, field, value, ttlMs }) => ({ k: k(key), field, value, ttl: ttlMs })),
    };
    const args = [JSON.stringify(script), String(clock)];
    if (taken !== undefined) args.push(String(keys.push(taken)));
    const reply = await this.#client.eval(APPLY, { keys, arguments: args });
    return outcomeOf(reply, this.#codec);
  }
}

function outcomeOf(reply: unknown, codec: KeyvCodec): ChangeOutcome | 'gone' {
  const [kind, detail, max] = Array.isArray(reply) ? reply : [];
  if (kind === 'applied') return { applied: true };
  if (kind === 'gone') return 'gone';
  if (kind === 'record') {
    return { applied: false, record: typeof detail === 'string' ? codec.deserialize(detail) : undefined };
  }
  if (kind === 'changed' && typeof detail === 'number') return { applied: false, changed: detail };
  if (kind === 'exceeded' && typeof detail === 'number' && typeof max === 'number') {
    return { applied: false, exceeded: detail, max };
  }
  throw new Error(`unexpected reply from Redis: ${JSON.stringify(reply)}`);
}
