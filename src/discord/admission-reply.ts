import { DiscordAPIError, RESTJSONErrorCodes } from 'discord.js';
import { translator } from '../i18n/translator.js';
import type { AcceptedJob } from '../jobs/job-runner.js';
import type { Logger } from '../logger.js';
import { jobComponents } from './buttons.js';
import { FirstAnswers } from './first-answers.js';
import { replyFirst } from './first-reply.js';
import type { JobInteraction } from './job-origin.js';

/**
 * How long a command waits for its job's admission before it defers instead: well inside
 * Discord's 3 seconds, leaving room for the answer's own round trip.
 */
export const ADMISSION_WAIT_MS = 1_500;

/**
 * Longest a job's start waits for other members' first answers: a second is little to a
 * generation of tens of seconds, and a steady stream of commands holds no job back longer.
 */
const START_HOLD_MS = 1_000;

type Settled<T> = { value: T } | { error: unknown };
type FirstAnswer = 'shown' | 'expired' | 'unknown' | 'deferred';

/** This process's commands still waiting for their first answer. */
const firstAnswers = new FirstAnswers();

/**
 * Answers a command that starts a job with a single message whenever the admission decides in
 * time: a refusal is thrown for the router to answer privately (the interaction's only
 * response), an acceptance becomes the public reply. A slow store cannot run out Discord's
 * clock: past {@link ADMISSION_WAIT_MS} the reply is deferred, and the decision follows it.
 * The job starts once no other command waits for its first answer, so in a burst the answers
 * go out before the jobs' submits and edits.
 */
export async function answerAdmission(
  interaction: JobInteraction,
  admission: Promise<AcceptedJob>,
  logger: Logger,
): Promise<void> {
  const answeredFirst = firstAnswers.begin();
  const { accepted, answer } = await answerFirst(interaction, admission, logger, answeredFirst).finally(answeredFirst);
  if (answer === 'expired') return accepted.withdraw();
  await firstAnswers.settled(START_HOLD_MS);
  // A reply that failed otherwise may still have landed: the job goes on, and its result finds the member.
  await accepted.start(answer === 'shown');
}

/** The interaction's first answer: the decision if it comes in time, else a deferral before it. */
async function answerFirst(
  interaction: JobInteraction,
  admission: Promise<AcceptedJob>,
  logger: Logger,
  answeredFirst: () => void,
): Promise<{ accepted: AcceptedJob; answer: FirstAnswer }> {
  const decided = await settledWithin(admission, ADMISSION_WAIT_MS);
  if (decided === undefined) {
    const deferred = await answered(interaction.deferReply(), logger);
    answeredFirst();
    return { accepted: await admission, answer: deferred === 'expired' ? 'expired' : 'deferred' };
  }
  if ('error' in decided) throw decided.error;
  const accepted = decided.value;
  // Only the member reads the reply: their language.
  const t = translator(interaction.locale);
  const answer = await answered(
    // The interaction id is the job's.
    replyFirst(interaction, {
      content: accepted.opening(t),
      components: jobComponents(interaction.id, accepted.actions, t),
      allowed_mentions: { parse: [] },
    }),
    logger,
  );
  return { accepted, answer };
}

/** How the interaction's first answer went: shown, refused because Discord already gave up on it, or unknown. */
async function answered(answer: Promise<unknown>, logger: Logger): Promise<'shown' | 'expired' | 'unknown'> {
  try {
    await answer;
    return 'shown';
  } catch (error) {
    const expired = error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.UnknownInteraction;
    logger.warn(
      { err: error },
      expired ? 'the interaction expired before it was answered' : 'could not answer the interaction',
    );
    return expired ? 'expired' : 'unknown';
  }
}

/** How `promise` settled, or `undefined` if it had not within `ms`. */
async function settledWithin<T>(promise: Promise<T>, ms: number): Promise<Settled<T> | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  const settled = promise.then(
    (value): Settled<T> => ({ value }),
    (error: unknown): Settled<T> => ({ error }),
  );
  try {
    return await Promise.race([settled, late]);
  } finally {
    clearTimeout(timer);
  }
}
