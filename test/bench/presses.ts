/**
 * Delivered videos and presses of the buttons under them: what the button scenarios share.
 * A press is answered and delivered like a `/video`, so {@link VideoWatch} follows both.
 */
import { type APIMessageComponentButtonInteraction, MessageFlags } from 'discord.js';
import { customIdOf } from '../../src/discord/buttons.js';
import type { DiscordStandIn, InteractionHandle, RecordedMessage } from '../stand-ins/discord.js';
import { type Acks, memberId, sendVideos, VideoWatch } from './traffic.js';

/** A video delivered as the reply to a member's `/video`. */
export interface DeliveredVideo {
  /** The job's id, which is its `/video`'s interaction id. */
  readonly jobId: string;
  readonly requester: string;
  /** The reply carrying the video and its buttons. */
  readonly message: RecordedMessage;
}

export type Press = InteractionHandle<APIMessageComponentButtonInteraction>;

/**
 * Sends `count` `/video` at once from members numbered from `firstMember`, waits until each
 * reply carries its video and its Reroll button, and returns them in member order.
 */
export async function deliverVideos(
  discord: DiscordStandIn,
  label: string,
  count: number,
  firstMember: number,
  timeoutMs: number,
): Promise<DeliveredVideo[]> {
  const handles = sendVideos(discord, label, count, firstMember);
  const watch = new VideoWatch(discord, handles);
  const { refused } = await watch.acks(60_000);
  if (refused > 0) throw new Error(`${label}: ${refused} of ${count} /video were not acknowledged in time`);
  await watch.deliveries(timeoutMs);
  // The buttons come with the video's edit; waiting for them too keeps a later layout from failing a press obscurely.
  const hasReroll = (handle: (typeof handles)[number]) => hasButton(handle.original(), customIdOf('reroll', handle.id));
  await discord.waitFor(() => handles.every(hasReroll), {
    timeoutMs: 10_000,
    description: `${label}: a Reroll button under every video`,
  });
  return handles.map((handle, index) => {
    const message = handle.original();
    if (!message) throw new Error(`${label}: no reply to /video #${index}`);
    return { jobId: handle.id, requester: memberId(firstMember + index), message };
  });
}

/** The requester presses 🔄 Reroll under their video. */
export function pressReroll(discord: DiscordStandIn, video: DeliveredVideo): Press {
  return discord.pressButton({
    message: video.message,
    customId: customIdOf('reroll', video.jobId),
    userId: video.requester,
  });
}

/**
 * Follows Reroll presses to their videos, as {@link VideoWatch} does `/video`: the ack
 * latencies, the presses answered too late, and when each video arrived (stand-in clock).
 * Fails if any press was refused: a private refusal is an answer too, but no video follows it.
 */
export async function rerollsDelivered(
  discord: DiscordStandIn,
  presses: readonly Press[],
  timeoutMs: number,
): Promise<Acks & { arrivedAt: number[] }> {
  const watch = new VideoWatch(discord, presses);
  const acks = await watch.acks(30_000);
  const refusals = presses.filter((press) => ((press.original()?.flags ?? 0) & MessageFlags.Ephemeral) !== 0);
  if (refusals.length > 0) {
    throw new Error(
      `${refusals.length} of ${presses.length} Reroll presses were refused, e.g. "${refusals[0]?.original()?.content}"`,
    );
  }
  const arrivals = await watch.deliveries(timeoutMs);
  return { ...acks, arrivedAt: [...arrivals.values()] };
}

function hasButton(message: RecordedMessage | undefined, customId: string): boolean {
  return (message?.components ?? []).some(
    (row) =>
      'components' in row &&
      row.components.some((component) => 'custom_id' in component && component.custom_id === customId),
  );
}
