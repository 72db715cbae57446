import type { JobOrigin } from '../jobs/job.js';
import type { Logger } from '../logger.js';
import type { ProviderAccount } from '../provider/video-provider.js';
import type { Store } from '../store/store.js';
import { VIDEO_MODELS } from '../video/catalog.js';
import { type AccountCondition, type AccountState, AccountWatch, isClosed } from './account-watch.js';
import { BlockedMembers } from './blocked-members.js';
import { LogChannels } from './log-channels.js';
import { type LogPoster, ModerationLog } from './moderation-log.js';
import { StateMarks } from './state-marks.js';

/** Why a member's video is refused before anything is reserved, beside the channel, filters and quotas. */
export type GateRefusal = 'studio_closed' | 'member_blocked';

/** The checks admission runs for every job, before the reservation. */
export interface AdmissionGate {
  /** Why the member may not start a video now, or `null` when they may. */
  refusal(origin: JobOrigin): Promise<GateRefusal | null>;
}

/** What a server's admins use to watch and stop what is made: the log, blocks, and the provider account. */
export interface Moderation {
  readonly logChannels: LogChannels;
  /** Posts in this process's turn, off the jobs' path. */
  readonly log: ModerationLog;
  /** Posts at once, for an admin waiting on the answer. */
  readonly poster: LogPoster;
  readonly blocked: BlockedMembers;
  readonly account: AccountWatch;
  readonly gate: AdmissionGate;
}

export interface ModerationDeps {
  store: Store;
  account: ProviderAccount;
  /** The chat adapter that posts to log channels, given where they are kept. */
  poster(channels: LogChannels): LogPoster;
  /** The servers this process serves, whose logs it tells of the account's changes. */
  guildIds(): Iterable<string>;
  /** `BALANCE_WARN_USD`; `null`: no warning. */
  warnUsd: number | null;
  logger: Logger;
}

/** The cheapest video of the catalog, in US dollars: a balance below it pays for none. */
const CHEAPEST_USD = Math.min(...Object.values(VIDEO_MODELS).map((model) => model.priceCents)) / 100;

/** Wires the moderation pieces on the store; nothing is read or posted until they are used. */
export function createModeration(deps: ModerationDeps): Moderation {
  const { store, logger, warnUsd } = deps;
  const logChannels = new LogChannels(store.keyv('moderation-log'), store.atomic('moderation-log'));
  const poster = deps.poster(logChannels);
  const log = new ModerationLog(poster, logger.child({ component: 'moderation-log' }));
  const blocked = new BlockedMembers(store.keyv('blocked-members'));
  const account = new AccountWatch(
    {
      account: deps.account,
      marks: new StateMarks<AccountState>(store.keyv('provider-account'), store.atomic('provider-account')),
      tell: (state) => tellLogs(state, { logChannels, log, guildIds: deps.guildIds, warnUsd, logger }),
      logger,
    },
    { warnUsd, minimumUsd: CHEAPEST_USD },
  );
  const gate: AdmissionGate = {
    async refusal(origin) {
      const [open, isBlocked] = await Promise.all([account.isOpen(), blocked.isBlocked(origin.guildId, origin.userId)]);
      if (!open) return 'studio_closed';
      return isBlocked ? 'member_blocked' : null;
    },
  };
  return { logChannels, log, poster, blocked, account, gate };
}

/** Whether a log told `from` should hear of `to`: a warning, a closing, or a reopening; a balance back above the warning level is not news. */
function worthTelling(from: AccountCondition, to: AccountCondition): boolean {
  return to !== 'open' || isClosed(from);
}

/** Tells each of this process's servers with a log, once between processes, that the account is now in `state`. */
async function tellLogs(
  state: AccountState,
  parts: Pick<Moderation, 'logChannels' | 'log'> & Pick<ModerationDeps, 'guildIds' | 'warnUsd' | 'logger'>,
): Promise<void> {
  const { logChannels, log, warnUsd, logger } = parts;
  for (const guildId of [...parts.guildIds()]) {
    try {
      if (!(await logChannels.get(guildId))) continue;
      // A log never told anything knows the account as usable.
      const told = await logChannels.tell(guildId, state.state, 'open');
      if (!told || !worthTelling(told.before as AccountCondition, state.state)) continue;
      const change = {
        from: told.before as AccountCondition,
        to: state.state,
        warnUsd,
        ...(state.balanceUsd !== undefined && { balanceUsd: state.balanceUsd }),
      };
      log.post(guildId, { kind: 'account', change });
    } catch (error) {
      logger.error({ err: error, guildId }, 'could not tell the moderation log about the WaveSpeed account');
    }
  }
}
