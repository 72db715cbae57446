import type Keyv from 'keyv';
import type { AtomicEntries } from '../store/atomic-entries.js';
import { type Mark, StateMarks } from './state-marks.js';

/** A server's moderation log: the channel, and the admin who picked it (who hears when it stops working). */
export interface LogChannel {
  readonly channelId: string;
  readonly setBy: string;
  readonly setAt: number;
  /**
   * The server's language when the log was picked (a Discord locale), which its posts are worded
   * in; logs picked before it was kept leave it out, and read US English.
   */
  readonly locale?: string;
}

/**
 * Why posts to a log channel stopped landing, as the chat platform said it: the bot may not post
 * or see there (`forbidden`), or the channel is gone (`missing`).
 */
export type LogProblem = 'forbidden' | 'missing';

/** A log channel found unusable, reported once: until a post lands again or another channel is picked. */
export interface UnusableMark extends Mark {
  readonly state: 'unusable' | 'usable';
  readonly channelId: string;
  readonly problem?: LogProblem;
  /** Epoch ms when it was found unusable. */
  readonly since?: number;
}

/** What a server's log was last told about the provider account (see `AccountCondition`). */
interface ToldMark extends Mark {
  readonly state: string;
}

const channelKey = (guildId: string) => `channel:${guildId}`;
const unusableKey = (guildId: string) => `unusable:${guildId}`;
const toldKey = (guildId: string) => `told:${guildId}`;

/**
 * Each server's moderation log channel in Keyv, and the marks that keep its notes to once: that
 * the channel refused a post, and what it was last told about the provider account. The marks
 * move atomically, so several processes seeing the same thing post one note between them.
 */
export class LogChannels {
  private readonly unusable: StateMarks<UnusableMark>;
  private readonly told: StateMarks<ToldMark>;

  constructor(
    /** The namespace's Keyv: channels and marks under keys of their own. */
    private readonly keyv: Keyv<unknown>,
    atomic: AtomicEntries,
    private readonly now: () => number = Date.now,
  ) {
    this.unusable = new StateMarks(keyv, atomic);
    this.told = new StateMarks(keyv, atomic);
  }

  /** The guild's log channel, if it has one. */
  async get(guildId: string): Promise<LogChannel | undefined> {
    // Only `set` writes a channel's key.
    return (await this.keyv.get(channelKey(guildId))) as LogChannel | undefined;
  }

  /** The guild's log channel and, when posts there stopped landing, why and since when. */
  async status(guildId: string): Promise<{ channel: LogChannel; unusable?: UnusableMark } | undefined> {
    const [channel, mark] = await Promise.all([this.get(guildId), this.unusable.get(unusableKey(guildId))]);
    if (!channel) return undefined;
    const unusable = mark?.state === 'unusable' && mark.channelId === channel.channelId ? mark : undefined;
    return { channel, ...(unusable && { unusable }) };
  }

  /** Picks the guild's log channel, worded in `locale`; a problem found with the previous one no longer applies. */
  async set(guildId: string, channelId: string, setBy: string, locale?: string): Promise<LogChannel> {
    const channel: LogChannel = { channelId, setBy, setAt: this.now(), ...(locale !== undefined && { locale }) };
    await this.keyv.set(channelKey(guildId), channel);
    await this.unusable.clear(unusableKey(guildId));
    return channel;
  }

  /** Turns the guild's log off; resolves with the channel it was, if any. */
  async clear(guildId: string): Promise<LogChannel | undefined> {
    const channel = await this.get(guildId);
    await this.keyv.delete(channelKey(guildId));
    await this.unusable.clear(unusableKey(guildId));
    return channel;
  }

  /** Marks the channel unusable; `true` only for the call that marked it, which reports it. */
  async markUnusable(guildId: string, channelId: string, problem: LogProblem): Promise<boolean> {
    const { written } = await this.unusable.move(unusableKey(guildId), (current) =>
      current?.state === 'unusable' && current.channelId === channelId
        ? undefined
        : { state: 'unusable', channelId, problem, since: this.now() },
    );
    return written !== undefined;
  }

  /** Clears the mark once a post landed; `true` when the channel had been marked unusable. */
  async markUsable(guildId: string, channelId: string): Promise<boolean> {
    const { written } = await this.unusable.move(unusableKey(guildId), (current) =>
      current?.state === 'unusable' ? { state: 'usable', channelId } : undefined,
    );
    return written !== undefined;
  }

  /**
   * Records that the guild's log has been told the account is in `condition`; a log never told
   * anything is taken to know `assumed`. Resolves with what it knew before when this call moved
   * it, `undefined` when it already knew.
   */
  async tell(guildId: string, condition: string, assumed: string): Promise<{ before: string } | undefined> {
    const { before, written } = await this.told.move(toldKey(guildId), (current) =>
      (current?.state ?? assumed) === condition ? undefined : { state: condition },
    );
    return written && { before: before?.state ?? assumed };
  }
}
