import {
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type ButtonInteraction,
  ButtonStyle,
  ComponentType,
  type ModalSubmitInteraction,
} from 'discord.js';
import type { ButtonHandler, CommandContext } from '../command.js';
import type { MessageKey } from '../i18n/language.js';
import type { Translator } from '../i18n/translator.js';
import type { JobAction } from '../jobs/job-actions.js';

/**
 * A job's buttons as Discord shows them. Their custom id is all a press carries back, possibly
 * days and restarts later: a version, the action and the job's id (`v1:reroll:<jobId>`; a log
 * post's, the member's), so a later layout can still read the buttons already posted. A modal a
 * button opens has the same id.
 */
const CUSTOM_ID = /^v1:([a-z]+):(\d{1,20})$/;

type Look = {
  emoji: string;
  label: Extract<MessageKey, `button.${string}`>;
  style: APIButtonComponentWithCustomId['style'];
};

const LOOKS: Record<JobAction, Look> = {
  reroll: { emoji: '🔄', label: 'button.reroll', style: ButtonStyle.Secondary },
  remix: { emoji: '✏️', label: 'button.remix', style: ButtonStyle.Secondary },
  upscale: { emoji: '⬆️', label: 'button.upscale', style: ButtonStyle.Secondary },
  delete: { emoji: '🗑️', label: 'button.delete', style: ButtonStyle.Danger },
  cancel: { emoji: '✖️', label: 'button.cancel', style: ButtonStyle.Secondary },
};

/** The custom id of `action`'s button (or modal) on a job's message, or on a log post about the member `id`. */
export function customIdOf(action: ButtonHandler['action'], id: string): string {
  return `v1:${action}:${id}`;
}

/** A message's components for a job's actions. */
export type JobComponents = APIActionRowComponent<APIButtonComponentWithCustomId>[];

/**
 * The message components for a job's actions, labelled in the language of `t`: one row of
 * buttons, or none (which removes any shown).
 */
export function jobComponents(jobId: string, actions: readonly JobAction[], t: Translator): JobComponents {
  if (actions.length === 0) return [];
  const buttons = actions.map(
    (action): APIButtonComponentWithCustomId => ({
      type: ComponentType.Button,
      custom_id: customIdOf(action, jobId),
      label: t.text(LOOKS[action].label),
      emoji: { name: LOOKS[action].emoji },
      style: LOOKS[action].style,
    }),
  );
  return [{ type: ComponentType.ActionRow, components: buttons }];
}

/** Handlers by action, from every command's buttons; an action handled twice is a wiring mistake. */
export function buttonHandlers(handlers: readonly ButtonHandler[]): ReadonlyMap<string, ButtonHandler> {
  const byAction = new Map<string, ButtonHandler>();
  for (const handler of handlers) {
    if (byAction.has(handler.action)) throw new Error(`two handlers for the "${handler.action}" buttons`);
    byAction.set(handler.action, handler);
  }
  return byAction;
}

/**
 * What a press or a modal submit runs, by its custom id; `undefined` for one no handler takes
 * (a button from an older layout, or a forged id), which the router answers as stale.
 */
export function buttonRoute(
  handlers: ReadonlyMap<string, ButtonHandler>,
  interaction: ButtonInteraction | ModalSubmitInteraction,
): ((context: CommandContext) => Promise<void>) | undefined {
  const [, action, id] = CUSTOM_ID.exec(interaction.customId) ?? [];
  const handler = action === undefined ? undefined : handlers.get(action);
  if (!handler || id === undefined) return undefined;
  if (interaction.isButton()) return (context) => handler.press(interaction, id, context);
  const { submit } = handler;
  return submit && ((context) => submit(interaction, id, context));
}
