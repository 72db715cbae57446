import {
  type APIMessage,
  ApplicationIntegrationType,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  type RESTPostAPIInteractionCallbackWithResponseResult,
} from 'discord-api-types/v10';
import { apiErrors } from './http.js';
import type { InteractionRecord, StandInInteraction } from './interactions.js';
import { type MessageBody, readMessageBody } from './message-body.js';
import { creationFlags, type RecordedMessage } from './messages.js';
import { readModal } from './modals.js';
import type { RecordedFile } from './recorder.js';
import type { Reply, RouteContext, Router } from './router.js';
import type { Services } from './services.js';

/** Callback types Discord accepts, by interaction type; 6 and 7 on a modal submit only when a button opened it. */
const ALLOWED_CALLBACKS: Readonly<Record<StandInInteraction['type'], ReadonlySet<number>>> = {
  [InteractionType.ApplicationCommand]: new Set([
    InteractionResponseType.ChannelMessageWithSource,
    InteractionResponseType.DeferredChannelMessageWithSource,
    InteractionResponseType.Modal,
    InteractionResponseType.LaunchActivity,
  ]),
  [InteractionType.MessageComponent]: new Set([
    InteractionResponseType.ChannelMessageWithSource,
    InteractionResponseType.DeferredChannelMessageWithSource,
    InteractionResponseType.DeferredMessageUpdate,
    InteractionResponseType.UpdateMessage,
    InteractionResponseType.Modal,
    InteractionResponseType.LaunchActivity,
  ]),
  [InteractionType.ModalSubmit]: new Set([
    InteractionResponseType.ChannelMessageWithSource,
    InteractionResponseType.DeferredChannelMessageWithSource,
    InteractionResponseType.DeferredMessageUpdate,
    InteractionResponseType.UpdateMessage,
  ]),
};

/** Followups an interaction may send when only a user install authorizes it (the bot is not in the server). */
const USER_INSTALL_FOLLOWUP_LIMIT = 5;

/**
 * Interaction callbacks and the interaction webhook (`@original`, followups). discord.js calls
 * these without the bot token; the interaction token is the credential.
 */
export function addInteractionRoutes(router: Router, services: Services): void {
  const webhook = '/webhooks/:applicationId/:token';
  router
    .add('POST', '/interactions/:interactionId/:token/callback', 'none', (context) => callback(services, context))
    .add('POST', webhook, 'none', (context) => followup(services, context))
    .add('GET', `${webhook}/messages/@original`, 'none', (context) => readMessage(services, context, original))
    .add('PATCH', `${webhook}/messages/@original`, 'none', (context) => editMessage(services, context, original))
    .add('DELETE', `${webhook}/messages/@original`, 'none', (context) => deleteMessage(services, context, original))
    .add('GET', `${webhook}/messages/:messageId`, 'none', (context) => readMessage(services, context, byId))
    .add('PATCH', `${webhook}/messages/:messageId`, 'none', (context) => editMessage(services, context, byId))
    .add('DELETE', `${webhook}/messages/:messageId`, 'none', (context) => deleteMessage(services, context, byId));
}

function callback(services: Services, context: RouteContext): Reply {
  const record = services.interactions.byId(context.param('interactionId'));
  if (!record || record.token !== context.param('token')) throw apiErrors.unknownInteraction();
  if (record.callback) throw apiErrors.alreadyAcknowledged();
  // Past the 3-second window Discord has already told the user "The application did not respond".
  if (context.at > record.ackDeadline) throw apiErrors.unknownInteraction();

  const json = context.body.json;
  const type = typeof json === 'object' && json !== null && 'type' in json ? json.type : undefined;
  const data = typeof json === 'object' && json !== null && 'data' in json ? json.data : undefined;
  const updatesMessage =
    type === InteractionResponseType.DeferredMessageUpdate || type === InteractionResponseType.UpdateMessage;
  if (
    typeof type !== 'number' ||
    !ALLOWED_CALLBACKS[record.payload.type].has(type) ||
    (updatesMessage && record.sourceMessageId === undefined)
  ) {
    throw apiErrors.invalidFormBody(
      ['type'],
      'INTERACTION_RESPONSE_TYPE_INVALID',
      `Invalid response type for a ${record.label}`,
    );
  }
  // Creating or changing the message first means a rejected body leaves the interaction unacknowledged.
  let flags = 0;
  let message: RecordedMessage | undefined;
  if (type === InteractionResponseType.Modal) {
    record.modal = readModal(data);
  } else if (updatesMessage) {
    message = pressedMessage(services, record);
    if (type === InteractionResponseType.UpdateMessage) {
      const body = readMessageBody(data);
      flags = body.flags ?? 0;
      message = services.messages.edit(message.id, body, context.body.files, record.attachmentSizeLimit);
    }
  } else {
    const body = readMessageBody(data);
    flags = body.flags ?? 0;
    message = initialMessage(services, record, type, body, context.body.files);
  }
  record.callback = {
    type,
    flags,
    data,
    files: context.body.files,
    at: context.at,
    latencyMs: context.at - record.dispatchedAt,
  };
  record.originalId = message?.id;
  services.feed.notify();
  if (context.query.get('with_response') !== 'true') return { status: 204 };
  return { status: 200, body: callbackResponse(services, record, type, message) };
}

/** The message a button was on (for a modal submit, the button that opened the modal). */
function pressedMessage(services: Services, record: InteractionRecord): RecordedMessage {
  return liveMessage(services, record.sourceMessageId);
}

/** The `@original` message a callback creates: the reply itself, or a "thinking" placeholder. */
function initialMessage(
  services: Services,
  record: InteractionRecord,
  type: InteractionResponseType,
  body: MessageBody,
  files: readonly RecordedFile[],
): RecordedMessage | undefined {
  const common = { ...where(record), origin: 'interaction', attachmentSizeLimit: record.attachmentSizeLimit } as const;
  if (type === InteractionResponseType.ChannelMessageWithSource) {
    return services.messages.create({ ...common, body, files, flags: creationFlags(body.flags, true) });
  }
  if (type !== InteractionResponseType.DeferredChannelMessageWithSource) return undefined;
  const flags = body.flags ?? 0;
  if ((flags & ~MessageFlags.Ephemeral) !== 0) {
    throw apiErrors.invalidFormBody(
      ['data', 'flags'],
      'INTERACTION_RESPONSE_FLAGS_INVALID',
      'Only EPHEMERAL may be set',
    );
  }
  return services.messages.create({
    ...common,
    body: readMessageBody(undefined),
    files: [],
    flags: MessageFlags.Loading | flags,
    allowEmpty: true,
  });
}

/** The body of a `?with_response=true` callback. */
function callbackResponse(
  services: Services,
  record: InteractionRecord,
  type: InteractionResponseType,
  message: RecordedMessage | undefined,
): RESTPostAPIInteractionCallbackWithResponseResult {
  const interaction = { id: record.id, type: record.payload.type };
  // A deferred update creates nothing; the pressed message is only named after it is edited.
  if (!message || type === InteractionResponseType.DeferredMessageUpdate) return { interaction };
  return {
    interaction: {
      ...interaction,
      response_message_id: message.id,
      response_message_loading: (message.flags & MessageFlags.Loading) !== 0,
      response_message_ephemeral: (message.flags & MessageFlags.Ephemeral) !== 0,
    },
    resource: { type, message: apiMessage(services, message) },
  };
}

function followup(services: Services, context: RouteContext): Reply {
  const record = webhookInteraction(services, context);
  // Followups need the interaction to be acknowledged first.
  if (!record.callback) throw apiErrors.unknownWebhook();
  if (userInstallOnly(record) && record.followupIds.length >= USER_INSTALL_FOLLOWUP_LIMIT) {
    throw apiErrors.tooManyFollowups();
  }
  const body = readMessageBody(context.body.json);
  const message = services.messages.create({
    ...where(record),
    origin: 'followup',
    body,
    files: context.body.files,
    flags: creationFlags(body.flags, true),
    attachmentSizeLimit: record.attachmentSizeLimit,
  });
  record.followupIds.push(message.id);
  // Interaction followups always answer with the message, `?wait=true` or not.
  return { status: 200, body: apiMessage(services, message) };
}

/** Only the user install authorizes it: the app acts in a place its bot is not in. */
function userInstallOnly(record: InteractionRecord): boolean {
  return record.payload.authorizing_integration_owners[ApplicationIntegrationType.GuildInstall] === undefined;
}

type MessagePicker = (record: InteractionRecord, context: RouteContext) => string | undefined;

const original: MessagePicker = (record) => record.originalId;

const byId: MessagePicker = (record, context) => {
  const id = context.param('messageId');
  return id === record.originalId || record.followupIds.includes(id) ? id : undefined;
};

function readMessage(services: Services, context: RouteContext, pick: MessagePicker): Reply {
  const record = webhookInteraction(services, context);
  const message = liveMessage(services, pick(record, context));
  return { status: 200, body: apiMessage(services, message) };
}

function editMessage(services: Services, context: RouteContext, pick: MessagePicker): Reply {
  const record = webhookInteraction(services, context);
  const message = liveMessage(services, pick(record, context));
  const body = readMessageBody(context.body.json);
  const edited = services.messages.edit(message.id, body, context.body.files, record.attachmentSizeLimit);
  return { status: 200, body: apiMessage(services, edited) };
}

function deleteMessage(services: Services, context: RouteContext, pick: MessagePicker): Reply {
  const record = webhookInteraction(services, context);
  services.messages.delete(liveMessage(services, pick(record, context)).id);
  return { status: 204 };
}

/** The interaction behind a webhook URL; expired or unknown tokens answer 401 / 50027. */
function webhookInteraction(services: Services, context: RouteContext): InteractionRecord {
  const record = services.interactions.byToken(context.param('token'));
  if (!record || context.at > record.tokenExpiresAt) throw apiErrors.invalidWebhookToken();
  if (context.param('applicationId') !== services.world.applicationId) throw apiErrors.unknownWebhook();
  return record;
}

function liveMessage(services: Services, id: string | undefined): RecordedMessage {
  const message = id === undefined ? undefined : services.messages.get(id);
  if (!message || message.deletedAt !== undefined) throw apiErrors.unknownMessage();
  return message;
}

function where(record: InteractionRecord): { channelId: string; guildId: string | undefined; interactionId: string } {
  return { channelId: record.channelId, guildId: record.guildId, interactionId: record.id };
}

/**
 * The message object Discord returns, with `interaction_metadata` when an interaction made it
 * (which component's press, or which modal's submit, for replies to those).
 */
export function apiMessage(services: Services, message: RecordedMessage): APIMessage {
  const api = services.messages.toApi(message);
  const record = message.interactionId === undefined ? undefined : services.interactions.byId(message.interactionId);
  if (!record) return api;
  const { world } = services;
  const base = {
    id: record.id,
    user: world.userPayload(world.user(record.userId)),
    authorizing_integration_owners: record.payload.authorizing_integration_owners,
    ...(message.origin === 'followup' ? { original_response_message_id: record.originalId ?? message.id } : {}),
  };
  return { ...api, interaction_metadata: interactionMetadata(services, record, base) };
}

type Metadata = NonNullable<APIMessage['interaction_metadata']>;
type MetadataBase = Omit<Metadata, 'type' | 'interacted_message_id' | 'triggering_interaction_metadata'>;

function interactionMetadata(services: Services, record: InteractionRecord, base: MetadataBase): Metadata {
  const { payload } = record;
  if (payload.type === InteractionType.ApplicationCommand) return { ...base, type: InteractionType.ApplicationCommand };
  if (payload.type === InteractionType.MessageComponent) {
    return { ...base, type: InteractionType.MessageComponent, interacted_message_id: payload.message.id };
  }
  // A modal submit names the interaction that opened the modal.
  const opener = record.modalOpenerId === undefined ? undefined : services.interactions.byId(record.modalOpenerId);
  const trigger =
    opener?.payload.type === InteractionType.MessageComponent
      ? {
          id: opener.id,
          type: InteractionType.MessageComponent as const,
          user: base.user,
          authorizing_integration_owners: opener.payload.authorizing_integration_owners,
          interacted_message_id: opener.payload.message.id,
        }
      : {
          id: opener?.id ?? record.id,
          type: InteractionType.ApplicationCommand as const,
          user: base.user,
          authorizing_integration_owners: record.payload.authorizing_integration_owners,
        };
  return { ...base, type: InteractionType.ModalSubmit, triggering_interaction_metadata: trigger };
}
