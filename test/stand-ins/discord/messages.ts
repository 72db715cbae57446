import {
  type APIAllowedMentions,
  type APIAttachment,
  type APIEmbed,
  type APIMessage,
  type APIMessageTopLevelComponent,
  MessageFlags,
  MessageType,
} from 'discord-api-types/v10';
import { apiErrors } from './http.js';
import { type AttachmentReference, type MessageBody, type Pings, pingsOf } from './message-body.js';
import type { ChangeFeed, RecordedFile } from './recorder.js';
import type { World } from './world.js';

/** How a message came to be: an interaction's original response, a followup, a channel post or a DM. */
export type MessageOrigin = 'interaction' | 'followup' | 'channel' | 'dm';

/** An uploaded file as the message now carries it. */
export interface RecordedAttachment {
  readonly id: string;
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  /** SHA-256 of the whole file, in hex. */
  readonly sha256: string;
  /** The first 64 bytes. */
  readonly head: Uint8Array;
  /** Every byte, for files up to 1 MiB (see {@link RecordedFile.bytes}). */
  readonly bytes?: Uint8Array;
  readonly description: string | undefined;
  /** Served by the stand-in, so a test can fetch it like a CDN link. */
  readonly url: string;
}

/** The editable part of a message. */
export interface MessageState {
  readonly content: string;
  readonly embeds: readonly APIEmbed[];
  readonly components: readonly APIMessageTopLevelComponent[];
  readonly allowedMentions: APIAllowedMentions | undefined;
  readonly attachments: readonly RecordedAttachment[];
  readonly flags: number;
  /** Who this content notifies given its `allowed_mentions`. */
  readonly pings: Pings;
}

/** A message's state before one of its edits. */
export interface MessageRevision extends MessageState {
  /** Clock reading when this state was current from. */
  readonly at: number;
}

/** A message as it now stands, with the states it had before each edit. */
export interface RecordedMessage extends MessageState {
  readonly id: string;
  readonly channelId: string;
  readonly guildId: string | undefined;
  readonly origin: MessageOrigin;
  /** The interaction a response or followup belongs to. */
  readonly interactionId: string | undefined;
  readonly nonce: string | undefined;
  readonly createdAt: number;
  readonly editedAt: number | undefined;
  readonly deletedAt: number | undefined;
  /** Earlier states, oldest first. */
  readonly history: readonly MessageRevision[];
}

type StoredMessage = { -readonly [K in keyof RecordedMessage]: RecordedMessage[K] } & { history: MessageRevision[] };

/** What creating a message needs besides its body. */
export interface MessageDraft {
  readonly channelId: string;
  readonly guildId: string | undefined;
  readonly origin: MessageOrigin;
  readonly interactionId?: string;
  readonly body: MessageBody;
  readonly files: readonly RecordedFile[];
  readonly flags: number;
  readonly attachmentSizeLimit: number;
  /** A deferred response starts as an empty "thinking" message. */
  readonly allowEmpty?: boolean;
}

/** Flags a sender may set; Ephemeral only on interaction responses (the caller decides). */
const SETTABLE_FLAGS = MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2;

/** Every message the bot created, kept as it now stands; edits keep history. */
export class MessageStore {
  readonly all: RecordedMessage[] = [];
  readonly #byId = new Map<string, StoredMessage>();
  readonly #byNonce = new Map<string, StoredMessage>();
  readonly #world: World;
  readonly #feed: ChangeFeed;
  readonly #clock: () => number;
  readonly #attachmentBaseUrl: () => string;

  constructor(world: World, feed: ChangeFeed, clock: () => number, attachmentBaseUrl: () => string) {
    this.#world = world;
    this.#feed = feed;
    this.#clock = clock;
    this.#attachmentBaseUrl = attachmentBaseUrl;
  }

  /** A message by id, deleted ones included. */
  get(id: string): RecordedMessage | undefined {
    return this.#byId.get(id);
  }

  /** The message an earlier `enforce_nonce` post created in this channel, if any. */
  byNonce(channelId: string, nonce: string): RecordedMessage | undefined {
    return this.#byNonce.get(`${channelId}:${nonce}`);
  }

  /** An attachment, for the stand-in's CDN route. */
  attachment(id: string): RecordedAttachment | undefined {
    for (const message of this.all) {
      const found = message.attachments.find((attachment) => attachment.id === id);
      if (found) return found;
    }
    return undefined;
  }

  /** Creates a message, or throws the ApiError Discord would answer with. */
  create(draft: MessageDraft): RecordedMessage {
    const { body, files } = draft;
    const id = this.#world.snowflakes.next();
    const attachments = this.#resolveAttachments(body.attachments, files, [], draft);
    const content = body.content ?? '';
    const isEmpty =
      content.trim() === '' &&
      !body.embeds?.length &&
      !body.components?.length &&
      attachments.length === 0 &&
      !body.hasOtherContent;
    if (isEmpty && !draft.allowEmpty) throw apiErrors.emptyMessage();

    const message: StoredMessage = {
      id,
      channelId: draft.channelId,
      guildId: draft.guildId,
      origin: draft.origin,
      interactionId: draft.interactionId,
      nonce: body.nonce,
      content,
      embeds: body.embeds ?? [],
      components: body.components ?? [],
      allowedMentions: body.allowedMentions,
      attachments,
      flags: draft.flags,
      pings: pingsOf(content, body.allowedMentions),
      createdAt: this.#clock(),
      editedAt: undefined,
      deletedAt: undefined,
      history: [],
    };
    this.#byId.set(id, message);
    this.all.push(message);
    if (body.nonce !== undefined && body.enforceNonce) this.#byNonce.set(`${draft.channelId}:${body.nonce}`, message);
    this.#feed.notify();
    return message;
  }

  /**
   * Applies an edit: fields present in the body replace the old ones; new files join the
   * kept attachments. Ephemeral cannot change, and the "thinking" flag goes away.
   */
  edit(id: string, body: MessageBody, files: readonly RecordedFile[], attachmentSizeLimit: number): RecordedMessage {
    const message = this.#byId.get(id);
    if (!message || message.deletedAt !== undefined) throw apiErrors.unknownMessage();
    const attachments = this.#resolveAttachments(body.attachments, files, message.attachments, {
      channelId: message.channelId,
      attachmentSizeLimit,
    });
    const at = this.#clock();
    const { content, embeds, components, allowedMentions, flags, pings, createdAt, editedAt } = message;
    message.history.push({
      content,
      embeds,
      components,
      allowedMentions,
      attachments: message.attachments,
      flags,
      pings,
      at: editedAt ?? createdAt,
    });
    message.content = body.content ?? message.content;
    message.embeds = body.embeds ?? message.embeds;
    message.components = body.components ?? message.components;
    message.allowedMentions = body.allowedMentions ?? message.allowedMentions;
    message.attachments = attachments;
    message.flags = editedFlags(message.flags, body.flags);
    message.pings = pingsOf(message.content, message.allowedMentions);
    message.editedAt = at;
    this.#feed.notify();
    return message;
  }

  delete(id: string): void {
    const message = this.#byId.get(id);
    if (!message || message.deletedAt !== undefined) throw apiErrors.unknownMessage();
    message.deletedAt = this.#clock();
    this.#feed.notify();
  }

  /** The message object Discord returns for it. */
  toApi(message: RecordedMessage): APIMessage {
    const byInteraction = message.origin === 'interaction' || message.origin === 'followup';
    const timestamp = (at: number | undefined): string | null =>
      at === undefined ? null : new Date(Date.now() - (this.#clock() - at)).toISOString();
    return {
      id: message.id,
      type: byInteraction ? MessageType.ChatInputCommand : MessageType.Default,
      channel_id: message.channelId,
      author: this.#world.userPayload(this.#world.botUser),
      content: message.content,
      timestamp: timestamp(message.createdAt) ?? new Date().toISOString(),
      edited_timestamp: timestamp(message.editedAt),
      tts: false,
      mention_everyone: message.pings.everyone,
      mentions: message.pings.users.map((id) => this.#world.userPayload(this.#world.user(id))),
      mention_roles: [...message.pings.roles],
      attachments: message.attachments.map(toApiAttachment),
      embeds: [...message.embeds],
      components: [...message.components],
      pinned: false,
      flags: message.flags,
      application_id: this.#world.applicationId,
      ...(byInteraction ? { webhook_id: this.#world.applicationId } : {}),
      ...(message.nonce !== undefined ? { nonce: message.nonce } : {}),
    };
  }

  /**
   * The attachments a message ends up with. `attachments` entries name kept attachments by
   * id and new files by their `files[N]` index; without the field, new files are added.
   */
  #resolveAttachments(
    references: readonly AttachmentReference[] | undefined,
    files: readonly RecordedFile[],
    existing: readonly RecordedAttachment[],
    target: { readonly channelId: string; readonly attachmentSizeLimit: number },
  ): RecordedAttachment[] {
    if (files.some((file) => file.size > target.attachmentSizeLimit)) throw apiErrors.entityTooLarge();
    const fileKey = (file: RecordedFile): string => /^files\[(.+)\]$/.exec(file.field)?.[1] ?? file.field;
    const upload = (file: RecordedFile, description: string | undefined): RecordedAttachment => {
      const id = this.#world.snowflakes.next();
      return {
        id,
        filename: file.name,
        contentType: file.contentType,
        size: file.size,
        sha256: file.sha256,
        head: file.head,
        ...(file.bytes && { bytes: file.bytes }),
        description,
        url: `${this.#attachmentBaseUrl()}/attachments/${target.channelId}/${id}/${encodeURIComponent(file.name)}`,
      };
    };
    if (!references) return [...existing, ...files.map((file) => upload(file, undefined))];

    const used = new Set<RecordedFile>();
    const result = references.map((reference, index) => {
      const kept = existing.find((attachment) => attachment.id === reference.id);
      if (kept) return kept;
      const file = files.find((candidate) => fileKey(candidate) === reference.id);
      if (!file) {
        throw apiErrors.invalidFormBody(['attachments', index, 'id'], 'ATTACHMENT_NOT_FOUND', 'Unknown attachment');
      }
      used.add(file);
      return upload(file, reference.description);
    });
    return [...result, ...files.filter((file) => !used.has(file)).map((file) => upload(file, undefined))];
  }
}

function editedFlags(current: number, requested: number | undefined): number {
  const fixed = current & (MessageFlags.Ephemeral | MessageFlags.IsComponentsV2);
  return fixed | ((requested ?? current) & SETTABLE_FLAGS);
}

/** The flags a new message keeps from what the sender asked for. */
export function creationFlags(requested: number | undefined, allowEphemeral: boolean): number {
  const allowed = SETTABLE_FLAGS | (allowEphemeral ? MessageFlags.Ephemeral : 0);
  return (requested ?? 0) & allowed;
}

function toApiAttachment(attachment: RecordedAttachment): APIAttachment {
  return {
    id: attachment.id,
    filename: attachment.filename,
    size: attachment.size,
    url: attachment.url,
    proxy_url: attachment.url,
    content_type: attachment.contentType,
    ...(attachment.description !== undefined ? { description: attachment.description } : {}),
  };
}
