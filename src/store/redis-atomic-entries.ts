import { createHash } from 'node:crypto';
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
 * `planChange` (atomic-entries.ts) in Lua, over the values as Keyv stores them
 * (`{"value":…,"expires":…}`, with a PX expiry to match). KEYS: every entry the change touches.
 * ARGV, flat so that a call parses no JSON: the clock (epoch ms); the index in KEYS of a key
 * outside the namespace that the change takes (moves in and deletes) and which must still exist,
 * or 0; the record's index or 0, its field, its `from` ('' for none, else `s` or `n` for a string
 * or a number, then the value), its value serialized by Keyv and its expiry ('' for none); then the guards (count, then index and value each), the additions (count, then index,
 * by, max or '', raisedBy index or 0, ttl, ifPresent 1 or 0 each) and the fields (count, then
 * index, field, value or '', ttl each). Redis runs a script with nothing else in between, so a
 * change is atomic across processes.
 */
const APPLY = `
local clock = tonumber(ARGV[1])
local taken = tonumber(ARGV[2])
if taken > 0 and redis.call('EXISTS', KEYS[taken]) == 0 then return { 'gone' } end
local at = 8
local function arg()
  at = at + 1
  return ARGV[at - 1]
end

-- An entry as Keyv stores it, or nil when absent or past its expiry. A number entry, the
-- commonest, is read without the JSON parser.
local function read(k)
  local raw = redis.call('GET', KEYS[k])
  if not raw then return nil end
  local value, expires = string.match(raw, '^{"value":(%-?%d+),"expires":(%d+)}$')
  local entry
  if value then entry = { value = tonumber(value), expires = tonumber(expires) } else entry = cjson.decode(raw) end
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
  local until_at = clock + ttl
  if entry and entry.expires > until_at then return entry.expires end
  return until_at
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

local record = tonumber(ARGV[3])
if record > 0 then
  local entry, raw = read(record)
  local found = ''
  if entry then
    local held = entry.value[ARGV[4]]
    if type(held) == 'string' then found = 's' .. held
    elseif type(held) == 'number' then found = 'n' .. integer(held)
    else error('an atomic record has no ' .. ARGV[4] .. ': ' .. KEYS[record]) end
  end
  if found ~= ARGV[5] then return { 'record', raw or false } end
end
for i = 1, tonumber(arg()) do
  local k, value = tonumber(arg()), tonumber(arg())
  if number_in(read(k), k) ~= value then return { 'changed', i - 1 } end
end
local sums = {}
for i = 1, tonumber(arg()) do
  local k, by, max, raised_by, ttl, if_present = tonumber(arg()), tonumber(arg()), tonumber(arg()),
    tonumber(arg()), tonumber(arg()), arg() == '1'
  local entry = read(k)
  if entry or not if_present then
    local sum = number_in(entry, k) + by
    if max then
      if raised_by > 0 then max = max + number_in(read(raised_by), raised_by) end
      if sum > max then return { 'exceeded', i - 1, max } end
    end
    sums[#sums + 1] = { k, sum, later_expiry(entry, ttl) }
  end
end
-- Objects by KEYS index, each { fields, expires }; several fields of one may be written.
local maps, order = {}, {}
for _ = 1, tonumber(arg()) do
  local k, field, value, ttl = tonumber(arg()), arg(), tonumber(arg()), tonumber(arg())
  local map = maps[k]
  if not map then
    local entry = read(k)
    map = { {}, clock + ttl }
    if entry then map = { entry.value, entry.expires } end
    maps[k] = map
    order[#order + 1] = k
  end
  map[1][field] = value
  if type(map[2]) == 'number' then map[2] = math.max(map[2], clock + ttl) end
end

if record > 0 then
  if ARGV[7] == '' then redis.call('SET', KEYS[record], ARGV[6])
  else redis.call('SET', KEYS[record], ARGV[6], 'PX', math.max(1, tonumber(ARGV[7]) - clock)) end
end
for _, sum in ipairs(sums) do write(sum[1], integer(sum[2]), sum[3]) end
for _, k in ipairs(order) do write(k, cjson.encode(maps[k][1]), maps[k][2]) end
if taken > 0 then redis.call('DEL', KEYS[taken]) end
return { 'applied' }
`;

/** Redis keeps scripts by their SHA-1: sent once, then named, so a burst does not send the text each time. */
const APPLY_SHA = createHash('sha1').update(APPLY).digest('hex');

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
    const { record, unchanged = [], add = [], fields = [] } = change;
    const args = [String(Date.now()), '0'];
    if (record) {
      const raw = this.#codec.serialize({ value: record.value, expires: record.expires });
      const { from, expires } = record;
      const held = from === null ? '' : typeof from === 'number' ? `n${from}` : `s${from}`;
      args.push(
        String(k(record.key)),
        record.field ?? 'state',
        held,
        raw,
        expires === undefined ? '' : String(expires),
      );
    } else {
      args.push('0', '', '', '', '');
    }
    args.push(String(unchanged.length));
    for (const { key, value } of unchanged) args.push(String(k(key)), String(value));
    args.push(String(add.length));
    for (const { key, by, max, raisedBy, ttlMs, ifPresent } of add) {
      const raised = raisedBy === undefined ? 0 : k(raisedBy);
      args.push(
        String(k(key)),
        String(by),
        max == null ? '' : String(max),
        String(raised),
        String(ttlMs),
        ifPresent ? '1' : '0',
      );
    }
    args.push(String(fields.length));
    for (const { key, field, value, ttlMs } of fields) {
      args.push(String(k(key)), field, value === null ? '' : String(value), String(ttlMs));
    }
    if (taken !== undefined) args[1] = String(keys.push(taken));
    const options = { keys, arguments: args };
    const reply = await this.#client.evalSha(APPLY_SHA, options).catch((error: unknown) => {
      // A restarted or flushed server has forgotten it.
      if (error instanceof Error && error.message.startsWith('NOSCRIPT')) return this.#client.eval(APPLY, options);
      throw error;
    });
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
