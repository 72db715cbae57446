import {
  AllowedMentionsTypes,
  type APIAllowedMentions,
  type APIEmbed,
  type APIMessageTopLevelComponent,
  MessageFlags,
} from 'discord-api-types/v10';
import { checkMessageComponents, isRecord } from './components.js';
import { apiErrors } from './http.js';

/** An `attachments` entry of a message body: an existing attachment's id, or a new file's index. */
export interface AttachmentReference {
  readonly id: string;
  readonly description: string | undefined;
}

/** The fields of a create/edit message body the stand-in understands, checked for shape. */
export interface MessageBody {
  readonly content: string | undefined;
  readonly embeds: APIEmbed[] | undefined;
  readonly components: APIMessageTopLevelComponent[] | undefined;
  readonly allowedMentions: APIAllowedMentions | undefined;
  readonly attachments: AttachmentReference[] | undefined;
  readonly flags: number | undefined;
  readonly nonce: string | undefined;
  readonly enforceNonce: boolean;
  /** Whether the body carries something other than text, embeds, components or files (stickers, polls). */
  readonly hasOtherContent: boolean;
}

/** Who a message would notify, as Discord resolves `allowed_mentions` against the content. */
export interface Pings {
  readonly everyone: boolean;
  readonly users: readonly string[];
  readonly roles: readonly string[];
}

const MAX_CONTENT = 2000;
const MAX_EMBEDS = 10;
const MAX_EMBED_TOTAL = 6000;

function badType(path: readonly (string | number)[], expected: string): never {
  throw apiErrors.invalidFormBody(path, 'BASE_TYPE_BAD_TYPE', `Must be ${expected}.`);
}

/**
 * Reads a message body (a channel message, webhook execution, edit or callback `data`),
 * rejecting what Discord would reject with 50035: wrong types, content over 2000
 * characters, more than 10 embeds or 6000 embed characters, and components Discord refuses
 * (see {@link checkMessageComponents}).
 */
export function readMessageBody(json: unknown): MessageBody {
  const body = json === undefined || json === null ? {} : json;
  if (!isRecord(body)) badType([], 'an object');
  const { content, embeds, components, allowed_mentions, attachments, flags, nonce, enforce_nonce } = body;

  if (content !== undefined && content !== null && typeof content !== 'string') badType(['content'], 'a string');
  if (typeof content === 'string' && content.length > MAX_CONTENT) {
    throw apiErrors.invalidFormBody(['content'], 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_CONTENT} or fewer in length.`);
  }
  if (embeds !== undefined && embeds !== null && !Array.isArray(embeds)) badType(['embeds'], 'an array');
  if (Array.isArray(embeds)) checkEmbeds(embeds);
  if (components !== undefined && components !== null && !Array.isArray(components))
    badType(['components'], 'an array');
  if (Array.isArray(components)) {
    checkMessageComponents(components, typeof flags === 'number' && (flags & MessageFlags.IsComponentsV2) !== 0);
  }
  if (allowed_mentions !== undefined && allowed_mentions !== null && !isRecord(allowed_mentions)) {
    badType(['allowed_mentions'], 'an object');
  }
  if (flags !== undefined && flags !== null && typeof flags !== 'number') badType(['flags'], 'an integer');
  if (nonce !== undefined && nonce !== null && typeof nonce !== 'string' && typeof nonce !== 'number') {
    badType(['nonce'], 'a string or an integer');
  }

  return {
    content: typeof content === 'string' ? content : undefined,
    embeds: Array.isArray(embeds) ? (embeds as APIEmbed[]) : undefined,
    components: Array.isArray(components) ? (components as APIMessageTopLevelComponent[]) : undefined,
    allowedMentions: isRecord(allowed_mentions) ? (allowed_mentions as APIAllowedMentions) : undefined,
    attachments: readAttachmentReferences(attachments),
    flags: typeof flags === 'number' ? flags : undefined,
    nonce: typeof nonce === 'string' || typeof nonce === 'number' ? String(nonce) : undefined,
    enforceNonce: enforce_nonce === true,
    hasOtherContent: Array.isArray(body.sticker_ids) || isRecord(body.poll),
  };
}

function readAttachmentReferences(value: unknown): AttachmentReference[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) badType(['attachments'], 'an array');
  return value.map((entry: unknown, index) => {
    if (!isRecord(entry) || (typeof entry.id !== 'string' && typeof entry.id !== 'number')) {
      throw apiErrors.invalidFormBody(['attachments', index, 'id'], 'BASE_TYPE_REQUIRED', 'This field is required');
    }
    return {
      id: String(entry.id),
      description: typeof entry.description === 'string' ? entry.description : undefined,
    };
  });
}

function checkEmbeds(embeds: unknown[]): void {
  if (embeds.length > MAX_EMBEDS) {
    throw apiErrors.invalidFormBody(['embeds'], 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_EMBEDS} or fewer in length.`);
  }
  let total = 0;
  embeds.forEach((embed, index) => {
    if (!isRecord(embed)) badType(['embeds', index], 'an object');
    const text = (value: unknown): number => (typeof value === 'string' ? value.length : 0);
    const limit = (field: string, max: number): void => {
      if (text(embed[field]) > max) {
        throw apiErrors.invalidFormBody(
          ['embeds', index, field],
          'BASE_TYPE_MAX_LENGTH',
          `Must be ${max} or fewer in length.`,
        );
      }
    };
    limit('title', 256);
    limit('description', 4096);
    const fields = Array.isArray(embed.fields) ? embed.fields.filter(isRecord) : [];
    const footer = isRecord(embed.footer) ? embed.footer : {};
    const author = isRecord(embed.author) ? embed.author : {};
    total += text(embed.title) + text(embed.description) + text(footer.text) + text(author.name);
    for (const field of fields) total += text(field.name) + text(field.value);
  });
  if (total > MAX_EMBED_TOTAL) {
    throw apiErrors.invalidFormBody(
      ['embeds'],
      'MAX_EMBED_SIZE_EXCEEDED',
      `Embed size exceeds maximum size of ${MAX_EMBED_TOTAL}`,
    );
  }
}

const USER_MENTION = /<@!?(\d{17,20})>/g;
const ROLE_MENTION = /<@&(\d{17,20})>/g;

/**
 * Who the content pings. Without `allowed_mentions` Discord parses everything in the text,
 * so echoed user input can ping @everyone; this assumes the bot holds MENTION_EVERYONE.
 */
export function pingsOf(content: string, allowed: APIAllowedMentions | undefined): Pings {
  const parse = new Set(
    allowed
      ? (allowed.parse ?? [])
      : [AllowedMentionsTypes.User, AllowedMentionsTypes.Role, AllowedMentionsTypes.Everyone],
  );
  const ids = (pattern: RegExp): string[] => [
    ...new Set([...content.matchAll(pattern)].map((match) => match[1] ?? '')),
  ];
  return {
    everyone: parse.has(AllowedMentionsTypes.Everyone) && /@(everyone|here)\b/.test(content),
    users: ids(USER_MENTION).filter((id) => parse.has(AllowedMentionsTypes.User) || allowed?.users?.includes(id)),
    roles: ids(ROLE_MENTION).filter((id) => parse.has(AllowedMentionsTypes.Role) || allowed?.roles?.includes(id)),
  };
}
