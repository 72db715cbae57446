import { ChannelType, MessageFlags } from 'discord-api-types/v10';
import { apiErrors } from './http.js';
import { readMessageBody } from './message-body.js';
import { creationFlags, type RecordedMessage } from './messages.js';
import type { Reply, RouteContext, Router } from './router.js';
import type { Services } from './services.js';
import type { StandInChannel } from './world.js';

/** Bot-token routes for channels, messages, DMs and users. */
export function addChannelRoutes(router: Router, services: Services): void {
  const message = '/channels/:channelId/messages/:messageId';
  router
    .add('GET', '/channels/:channelId', 'bot', (context) => ({
      status: 200,
      body: services.world.channelPayload(knownChannel(services, context)),
    }))
    .add('POST', '/channels/:channelId/messages', 'bot', (context) => postMessage(services, context))
    .add('GET', message, 'bot', (context) => ({
      status: 200,
      body: services.messages.toApi(channelMessage(services, context)),
    }))
    .add('PATCH', message, 'bot', (context) => editMessage(services, context))
    .add('DELETE', message, 'bot', (context) => {
      services.messages.delete(channelMessage(services, context).id);
      return { status: 204 };
    })
    .add('POST', '/users/@me/channels', 'bot', (context) => openDm(services, context))
    .add('GET', '/users/@me', 'bot', () => ({
      status: 200,
      body: { ...services.world.userPayload(services.world.botUser), verified: true, mfa_enabled: false },
    }))
    .add('GET', '/users/:userId', 'bot', (context) => {
      const user = services.world.knownUser(context.param('userId'));
      if (!user) throw apiErrors.unknownUser();
      return { status: 200, body: services.world.userPayload(user) };
    });
}

function postMessage(services: Services, context: RouteContext): Reply {
  const channel = postableChannel(services, context);
  const body = readMessageBody(context.body.json);
  if (body.enforceNonce && body.nonce !== undefined) {
    // A retried send with the same nonce gets the first message back instead of a duplicate.
    const earlier = services.messages.byNonce(channel.id, body.nonce);
    if (earlier) return { status: 200, body: services.messages.toApi(earlier) };
  }
  const message = services.messages.create({
    channelId: channel.id,
    guildId: channel.guildId,
    origin: channel.type === ChannelType.DM ? 'dm' : 'channel',
    body,
    files: context.body.files,
    flags: creationFlags(body.flags, false),
    attachmentSizeLimit: services.world.attachmentLimitFor(channel.id),
  });
  return { status: 200, body: services.messages.toApi(message) };
}

function editMessage(services: Services, context: RouteContext): Reply {
  const message = channelMessage(services, context);
  const body = readMessageBody(context.body.json);
  const limit = services.world.attachmentLimitFor(message.channelId);
  return {
    status: 200,
    body: services.messages.toApi(services.messages.edit(message.id, body, context.body.files, limit)),
  };
}

function openDm(services: Services, context: RouteContext): Reply {
  const json = context.body.json;
  const recipient = typeof json === 'object' && json !== null && 'recipient_id' in json ? json.recipient_id : undefined;
  if (typeof recipient !== 'string') {
    throw apiErrors.invalidFormBody(['recipient_id'], 'BASE_TYPE_REQUIRED', 'This field is required');
  }
  return { status: 200, body: services.world.channelPayload(services.world.openDm(recipient)) };
}

/** A channel the bot can see: unknown ones answer 10003, those it has no access to (a guild it is not in) 50001. */
function knownChannel(services: Services, context: RouteContext): StandInChannel {
  const channel = services.world.channel(context.param('channelId'));
  if (!channel) throw apiErrors.unknownChannel();
  if (services.world.hiddenChannels.has(channel.id)) throw apiErrors.missingAccess();
  return channel;
}

/** A channel the bot may post in: denied channels answer 50013, closed DMs 50007. */
function postableChannel(services: Services, context: RouteContext): StandInChannel {
  const channel = knownChannel(services, context);
  const { world } = services;
  if (world.deniedChannels.has(channel.id)) throw apiErrors.missingPermissions();
  if (channel.recipientId !== undefined && world.closedDmUsers.has(channel.recipientId)) {
    throw apiErrors.cannotMessageUser();
  }
  return channel;
}

function channelMessage(services: Services, context: RouteContext): RecordedMessage {
  const channel = postableChannel(services, context);
  const message = services.messages.get(context.param('messageId'));
  // Ephemeral messages live only in their interaction's webhook: channel routes do not know them.
  const ephemeral = message !== undefined && (message.flags & MessageFlags.Ephemeral) !== 0;
  if (!message || message.channelId !== channel.id || message.deletedAt !== undefined || ephemeral) {
    throw apiErrors.unknownMessage();
  }
  return message;
}
