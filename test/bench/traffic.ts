/**
 * The members' side of a scenario: many `/video` at once, and one watch over the Discord
 * stand-in's requests that sees when each was acknowledged and when its video arrived.
 */
import type {
  DiscordStandIn,
  InteractionHandle,
  RecordedMessage,
  RecordedRequest,
  SendCommandOptions,
  StandInInteraction,
} from '../stand-ins/discord.js';

const CALLBACK_ROUTE = '/interactions/:interactionId/:token/callback';
const ORIGINAL_ROUTE = '/webhooks/:applicationId/:token/messages/@original';

/** A snowflake-shaped id for bench member `n`, far below the stand-in's own time-based ids. */
export function memberId(n: number): string {
  return (700_000_000_000_000_000n + BigInt(n)).toString();
}

/** The prompt of a batch's `index`-th video: unique, so a submit tells which interaction sent it. */
export function promptOf(label: string, index: number): string {
  return `${label} #${index}`;
}

/** Where a bench `/video` is sent from, e.g. an interaction's `attachmentSizeLimit`. */
export type VideoContext = Omit<SendCommandOptions, 'name' | 'userId' | 'options'>;

/** Sends `count` `/video` back to back, each from its own member (numbered from `firstMember`). */
export function sendVideos(
  discord: DiscordStandIn,
  label: string,
  count: number,
  firstMember = 1,
  context: VideoContext = {},
): InteractionHandle[] {
  return Array.from({ length: count }, (_, index) =>
    discord.sendCommand({
      ...context,
      name: 'video',
      userId: memberId(firstMember + index),
      options: { prompt: promptOf(label, index) },
    }),
  );
}

/** Acknowledgements of a batch. */
export interface Acks {
  /** Dispatch → callback received, in milliseconds, per acknowledged interaction. */
  readonly latenciesMs: number[];
  /** Callbacks the stand-in refused (past the 3-second window): those members saw an error. */
  readonly refused: number;
}

/** A `/video`, or a button press that starts a job (Reroll): both are answered and delivered alike. */
type JobInteraction = InteractionHandle<StandInInteraction>;

/**
 * Follows a batch of interactions through the stand-in's request log. It reads each request
 * once, so following a thousand interactions costs no more than the requests themselves.
 */
export class VideoWatch {
  readonly #discord: DiscordStandIn;
  readonly #handles: readonly JobInteraction[];
  readonly #byId = new Map<string, JobInteraction>();
  readonly #byToken = new Map<string, JobInteraction>();
  readonly #answered = new Set<string>();
  readonly #acked = new Set<string>();
  readonly #delivered = new Set<string>();
  #cursor = 0;

  constructor(discord: DiscordStandIn, handles: readonly JobInteraction[]) {
    this.#discord = discord;
    this.#handles = handles;
    for (const handle of handles) {
      this.#byId.set(handle.id, handle);
      this.#byToken.set(handle.token, handle);
    }
  }

  /** Waits until every interaction was answered, accepted or refused. */
  async acks(timeoutMs: number): Promise<Acks> {
    const total = this.#handles.length;
    await this.#until(
      () => this.#answered.size >= total,
      timeoutMs,
      () => `${this.#answered.size} of ${total} interactions were answered`,
    );
    const acked = this.#handles.filter((handle) => this.#acked.has(handle.id));
    const callbacks = await Promise.all(acked.map((handle) => handle.callback()));
    return { latenciesMs: callbacks.map((callback) => callback.latencyMs), refused: total - acked.length };
  }

  /**
   * Waits until every acknowledged interaction's reply carries its video, and returns when
   * each arrived (stand-in clock). Call after {@link acks}.
   */
  async deliveries(timeoutMs: number): Promise<Map<JobInteraction, number>> {
    await this.#until(
      () => this.#delivered.size >= this.#acked.size,
      timeoutMs,
      () => `${this.#delivered.size} of ${this.#acked.size} acknowledged videos were delivered`,
    );
    const replies = new Map<string, RecordedMessage>();
    for (const message of this.#discord.messages) {
      if (message.origin === 'interaction' && message.interactionId) replies.set(message.interactionId, message);
    }
    const arrivals = new Map<JobInteraction, number>();
    for (const id of this.#delivered) {
      const handle = this.#byId.get(id);
      const reply = replies.get(id);
      const at = reply && attachmentArrival(reply);
      if (!handle || at === undefined) throw new Error(`The reply to interaction ${id} holds no video`);
      arrivals.set(handle, at);
    }
    return arrivals;
  }

  async #until(done: () => boolean, timeoutMs: number, progress: () => string): Promise<void> {
    try {
      await this.#discord.waitFor(
        () => {
          this.#scan();
          return done();
        },
        { timeoutMs },
      );
    } catch (error) {
      throw new Error(`only ${progress()} after ${timeoutMs / 1000} s`, { cause: error });
    }
  }

  #scan(): void {
    const { requests } = this.#discord;
    for (; this.#cursor < requests.length; this.#cursor += 1) {
      const request = requests[this.#cursor];
      if (request) this.#note(request);
    }
  }

  #note(request: RecordedRequest): void {
    // Paths are `/api/v10/interactions/{id}/{token}/callback` and `/api/v10/webhooks/{app}/{token}/messages/@original`.
    const segments = request.path.split('/');
    if (request.route === CALLBACK_ROUTE) {
      const id = segments[4];
      if (!id || !this.#byId.has(id)) return;
      this.#answered.add(id);
      if (request.status < 300) this.#acked.add(id);
    } else if (
      request.route === ORIGINAL_ROUTE &&
      request.method === 'PATCH' &&
      request.status < 300 &&
      request.files.length > 0
    ) {
      const handle = this.#byToken.get(segments[5] ?? '');
      if (handle) this.#delivered.add(handle.id);
    }
  }
}

/** When the message first carried an attachment (stand-in clock), if it ever did. */
function attachmentArrival(message: RecordedMessage): number | undefined {
  // Each earlier revision was current from its `at`; the message as it stands, from its last edit.
  const states = [...message.history, { attachments: message.attachments, at: message.editedAt ?? message.createdAt }];
  return states.find((state) => state.attachments.length > 0)?.at;
}

/** One `/video` from member 0, waited for end to end, so the bot's code paths are warm before measuring. */
export async function warmUp(discord: DiscordStandIn, timeoutMs: number): Promise<void> {
  const watch = new VideoWatch(discord, sendVideos(discord, 'warm-up', 1, 0));
  const { refused } = await watch.acks(timeoutMs);
  if (refused > 0) throw new Error('the warm-up /video was not acknowledged in time');
  await watch.deliveries(timeoutMs);
}
