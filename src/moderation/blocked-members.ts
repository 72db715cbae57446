import type Keyv from 'keyv';

/** A member a server's admins blocked from `/video`: who did it and when (epoch ms). */
export interface BlockedMember {
  readonly userId: string;
  readonly by: string;
  readonly at: number;
}

/** One guild's blocked members, by user id. */
export interface GuildBlocks {
  readonly members: Readonly<Record<string, { by: string; at: number }>>;
}

/**
 * The members each server's admins blocked from `/video`, one Keyv record per guild. Blocks are
 * rare, whole-record admin changes, so last write wins across processes, as with guild settings;
 * within a process, changes to one guild are made one after another so none is lost.
 */
export class BlockedMembers {
  private readonly changing = new Map<string, Promise<unknown>>();

  constructor(
    private readonly keyv: Keyv<GuildBlocks>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether the member is blocked in the guild; nobody is outside a guild. */
  async isBlocked(guildId: string | null, userId: string): Promise<boolean> {
    if (!guildId) return false;
    const blocks = await this.keyv.get(guildId);
    return blocks?.members[userId] !== undefined;
  }

  /** The guild's blocked members, the earliest blocked first. */
  async list(guildId: string): Promise<BlockedMember[]> {
    const members = (await this.keyv.get(guildId))?.members ?? {};
    return Object.entries(members)
      .map(([userId, { by, at }]) => ({ userId, by, at }))
      .sort((a, b) => a.at - b.at);
  }

  /** Blocks the member, and says whether they already were (then the first block stands). */
  block(guildId: string, userId: string, by: string): Promise<'blocked' | 'already'> {
    return this.change(guildId, (members) => {
      if (members[userId]) return ['already', undefined];
      return ['blocked', { ...members, [userId]: { by, at: this.now() } }];
    });
  }

  /** Unblocks the member; `false` when they were not blocked. */
  unblock(guildId: string, userId: string): Promise<boolean> {
    return this.change(guildId, (members) => {
      if (!members[userId]) return [false, undefined];
      const { [userId]: _unblocked, ...others } = members;
      return [true, others];
    });
  }

  /** Runs `edit` on the guild's record after the process's earlier changes to it; `undefined` writes nothing. */
  private change<T>(
    guildId: string,
    edit: (members: GuildBlocks['members']) => [T, GuildBlocks['members'] | undefined],
  ): Promise<T> {
    const run = async () => {
      const [result, members] = edit((await this.keyv.get(guildId))?.members ?? {});
      if (members === undefined) return result;
      if (Object.keys(members).length === 0) await this.keyv.delete(guildId);
      else await this.keyv.set(guildId, { members });
      return result;
    };
    const previous = this.changing.get(guildId) ?? Promise.resolve();
    const done = previous.then(run, run);
    const settled = done.catch(() => {});
    this.changing.set(guildId, settled);
    void settled.then(() => {
      if (this.changing.get(guildId) === settled) this.changing.delete(guildId);
    });
    return done;
  }
}
