import {
  type APIButtonComponentWithCustomId,
  type APIMessageTopLevelComponent,
  ButtonStyle,
  ComponentType,
} from 'discord-api-types/v10';
import { apiErrors } from './http.js';

type Path = readonly (string | number)[];

const MAX_ROWS = 5;
const MAX_ROW_COMPONENTS = 5;
const MAX_CUSTOM_ID = 100;
const MAX_LABEL = 80;
const MAX_URL = 512;

/** Select menus: each fills a whole action row. */
const SELECT_TYPES: ReadonlySet<number> = new Set([
  ComponentType.StringSelect,
  ComponentType.UserSelect,
  ComponentType.RoleSelect,
  ComponentType.MentionableSelect,
  ComponentType.ChannelSelect,
]);

const BUTTON_STYLES: ReadonlySet<number> = new Set([
  ButtonStyle.Primary,
  ButtonStyle.Secondary,
  ButtonStyle.Success,
  ButtonStyle.Danger,
  ButtonStyle.Link,
  ButtonStyle.Premium,
]);

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** 400 / 50035 with one field error, Discord's shape for every rule below. */
export function fieldError(path: Path, code: string, message: string): never {
  throw apiErrors.invalidFormBody(path, code, message);
}

/** A string of `min`..`max` characters, or absent when `required` is false. */
export function checkText(value: unknown, path: Path, min: number, max: number, required: boolean): void {
  if (value === undefined || value === null) {
    if (required) fieldError(path, 'BASE_TYPE_REQUIRED', 'This field is required');
    return;
  }
  if (typeof value !== 'string') fieldError(path, 'BASE_TYPE_BAD_TYPE', 'Must be a string.');
  if (value.length < min || value.length > max) {
    const message = min === 0 ? `Must be ${max} or fewer in length.` : `Must be between ${min} and ${max} in length.`;
    fieldError(path, min === 0 ? 'BASE_TYPE_MAX_LENGTH' : 'BASE_TYPE_BAD_LENGTH', message);
  }
}

/** Remembers the custom ids of one message or modal: Discord wants each unique. */
export class CustomIds {
  readonly #seen = new Set<string>();

  check(value: unknown, path: Path): void {
    checkText(value, path, 1, MAX_CUSTOM_ID, true);
    const id = value as string;
    if (this.#seen.has(id)) {
      fieldError(path, 'COMPONENT_CUSTOM_ID_DUPLICATED', 'Component custom id cannot be duplicated');
    }
    this.#seen.add(id);
  }
}

/**
 * Checks a message's `components` as Discord does for the legacy layout: at most 5 action
 * rows, each holding 1-5 buttons or one select menu; buttons need a custom id (1-100
 * characters, unique in the message) unless they are links (a URL) or premium (a SKU), and a
 * label (≤ 80) or an emoji. With IS_COMPONENTS_V2, layout components pass; action rows in them
 * are still checked.
 */
export function checkMessageComponents(rows: unknown[], componentsV2: boolean): void {
  if (!componentsV2 && rows.length > MAX_ROWS) {
    fieldError(['components'], 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_ROWS} or fewer in length.`);
  }
  const customIds = new CustomIds();
  rows.forEach((row, rowIndex) => {
    const path = ['components', rowIndex];
    if (!isRecord(row)) fieldError(path, 'BASE_TYPE_BAD_TYPE', 'Must be an object.');
    if (row.type !== ComponentType.ActionRow) {
      if (!componentsV2) fieldError([...path, 'type'], 'UNION_TYPE_CHOICES', 'Value of field "type" must be 1.');
      return;
    }
    checkActionRow(row, path, customIds);
  });
}

function checkActionRow(row: Record<string, unknown>, path: Path, customIds: CustomIds): void {
  const children = row.components;
  if (!Array.isArray(children)) fieldError([...path, 'components'], 'BASE_TYPE_REQUIRED', 'This field is required');
  if (children.length < 1 || children.length > MAX_ROW_COMPONENTS) {
    fieldError(
      [...path, 'components'],
      children.length < 1 ? 'BASE_TYPE_MIN_LENGTH' : 'BASE_TYPE_MAX_LENGTH',
      children.length < 1 ? 'Must be 1 or more in length.' : `Must be ${MAX_ROW_COMPONENTS} or fewer in length.`,
    );
  }
  const hasSelect = children.some((child) => isRecord(child) && SELECT_TYPES.has(child.type as number));
  if (hasSelect && children.length > 1) {
    fieldError(
      [...path, 'components'],
      'COMPONENT_LAYOUT_WIDTH_EXCEEDED',
      'The specified component exceeds the maximum width',
    );
  }
  children.forEach((child: unknown, index) => {
    const at = [...path, 'components', index];
    if (!isRecord(child)) fieldError(at, 'BASE_TYPE_BAD_TYPE', 'Must be an object.');
    if (child.type === ComponentType.Button) checkButton(child, at, customIds);
    else if (SELECT_TYPES.has(child.type as number)) customIds.check(child.custom_id, [...at, 'custom_id']);
    else fieldError([...at, 'type'], 'UNION_TYPE_CHOICES', 'Value of field "type" must be one of (2, 3, 5, 6, 7, 8).');
  });
}

function checkButton(button: Record<string, unknown>, path: Path, customIds: CustomIds): void {
  const { style, custom_id: customId, url, sku_id: skuId, label, emoji, disabled } = button;
  if (typeof style !== 'number' || !BUTTON_STYLES.has(style)) {
    fieldError([...path, 'style'], 'BASE_TYPE_CHOICES', 'Value must be one of (1, 2, 3, 4, 5, 6).');
  }
  const forbid = (field: string, value: unknown, why: string): void => {
    if (value !== undefined && value !== null) fieldError([...path, field], 'BUTTON_COMPONENT_INVALID_FIELD', why);
  };
  if (style === ButtonStyle.Link) {
    checkText(url, [...path, 'url'], 1, MAX_URL, true);
    forbid('custom_id', customId, 'Link buttons cannot have a custom id');
  } else if (style === ButtonStyle.Premium) {
    checkText(skuId, [...path, 'sku_id'], 1, 20, true);
    for (const [field, value] of Object.entries({ custom_id: customId, label, url, emoji })) {
      forbid(field, value, 'Premium buttons cannot have this field');
    }
    return;
  } else {
    customIds.check(customId, [...path, 'custom_id']);
    forbid('url', url, 'Only link buttons can have a url');
    forbid('sku_id', skuId, 'Only premium buttons can have a sku id');
  }
  checkText(label, [...path, 'label'], 0, MAX_LABEL, false);
  if (emoji !== undefined && emoji !== null) {
    const named = isRecord(emoji) && (typeof emoji.name === 'string' || typeof emoji.id === 'string');
    if (!named) fieldError([...path, 'emoji'], 'BASE_TYPE_BAD_TYPE', 'Must be a partial emoji with an id or a name.');
  }
  if ((label === undefined || label === '') && (emoji === undefined || emoji === null)) {
    fieldError(path, 'BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED', 'A button needs a label or an emoji');
  }
  if (disabled !== undefined && typeof disabled !== 'boolean') {
    fieldError([...path, 'disabled'], 'BASE_TYPE_BAD_TYPE', 'Must be a boolean.');
  }
}

/**
 * The component with this custom id on a message, looking inside action rows, sections
 * (their accessory) and containers, as discord.js's `findComponentByCustomId` does.
 */
export function findComponent(
  components: readonly APIMessageTopLevelComponent[],
  customId: string,
): (Record<string, unknown> & { type: ComponentType }) | undefined {
  for (const component of components as readonly unknown[]) {
    const found = search(component, customId);
    if (found) return found;
  }
  return undefined;
}

function search(component: unknown, customId: string): (Record<string, unknown> & { type: ComponentType }) | undefined {
  if (!isRecord(component)) return undefined;
  if (component.custom_id === customId) return component as Record<string, unknown> & { type: ComponentType };
  const nested = [
    ...(Array.isArray(component.components) ? component.components : []),
    ...(component.accessory === undefined ? [] : [component.accessory]),
  ];
  for (const child of nested) {
    const found = search(child, customId);
    if (found) return found;
  }
  return undefined;
}

/** A button a member can press: present, enabled and sending an interaction (not a link or premium button). */
export function pressableButton(
  components: readonly APIMessageTopLevelComponent[],
  customId: string,
  messageId: string,
): APIButtonComponentWithCustomId {
  const component = findComponent(components, customId);
  if (!component) {
    const ids = allCustomIds(components);
    throw new Error(
      `Message ${messageId} has no component with custom_id "${customId}"; it has ${ids.length ? ids.map((id) => `"${id}"`).join(', ') : 'none'}`,
    );
  }
  if (component.type !== ComponentType.Button) {
    throw new Error(`"${customId}" on message ${messageId} is a component of type ${component.type}, not a button`);
  }
  if (component.disabled === true) throw new Error(`Button "${customId}" on message ${messageId} is disabled`);
  // Buttons with a custom id are the non-link, non-premium ones: those that send an interaction.
  return component as unknown as APIButtonComponentWithCustomId;
}

/** Every custom id on a message, for error messages. */
export function allCustomIds(components: readonly APIMessageTopLevelComponent[]): string[] {
  const ids: string[] = [];
  const walk = (component: unknown): void => {
    if (!isRecord(component)) return;
    if (typeof component.custom_id === 'string') ids.push(component.custom_id);
    if (Array.isArray(component.components)) component.components.forEach(walk);
    if (component.accessory !== undefined) walk(component.accessory);
  };
  (components as readonly unknown[]).forEach(walk);
  return ids;
}
