import {
  type APIModalInteractionResponseCallbackComponent,
  type APIModalSubmission,
  type APIModalSubmissionComponent,
  ComponentType,
  TextInputStyle,
} from 'discord-api-types/v10';
import { CustomIds, checkText, fieldError, isRecord } from './components.js';

type Path = readonly (string | number)[];

const MAX_TITLE = 45;
const MAX_MODAL_COMPONENTS = 5;
const MAX_LABEL = 45;
const MAX_DESCRIPTION = 100;
const MAX_TEXT = 4000;
const MAX_PLACEHOLDER = 100;

/** Components a Label may hold besides a text input; the stand-in checks their custom id only. */
const OTHER_LABELLED_TYPES: ReadonlySet<number> = new Set([
  ComponentType.StringSelect,
  ComponentType.UserSelect,
  ComponentType.RoleSelect,
  ComponentType.MentionableSelect,
  ComponentType.ChannelSelect,
  ComponentType.FileUpload,
  ComponentType.RadioGroup,
  ComponentType.CheckboxGroup,
  ComponentType.Checkbox,
]);

/** A text input of a modal, as the member sees it. */
export interface ModalTextInput {
  readonly customId: string;
  /** The Label's text, or the deprecated `label` of a text input in an action row. */
  readonly label: string;
  readonly style: TextInputStyle;
  readonly required: boolean;
  readonly minLength: number | undefined;
  readonly maxLength: number | undefined;
  /** The pre-filled value, submitted unchanged unless the member types something else. */
  readonly value: string | undefined;
  readonly placeholder: string | undefined;
}

/** A modal the bot opened (callback type 9), checked as Discord checks it. */
export interface RecordedModal {
  readonly customId: string;
  readonly title: string;
  /** The components as sent. */
  readonly components: readonly APIModalInteractionResponseCallbackComponent[];
  /** Its text inputs in order. */
  readonly textInputs: readonly ModalTextInput[];
}

/**
 * Reads a MODAL callback's `data`: custom id 1-100, title 1-45, 1-5 components, each a Label
 * (label ≤ 45, description ≤ 100, one input), a Text Display, or the deprecated action row
 * holding one text input (which then needs its own label). Text inputs: style short or
 * paragraph, lengths within 0-4000, a pre-filled value that fits them, placeholder ≤ 100.
 */
export function readModal(data: unknown): RecordedModal {
  if (!isRecord(data)) fieldError(['data'], 'BASE_TYPE_REQUIRED', 'This field is required');
  checkText(data.custom_id, ['data', 'custom_id'], 1, 100, true);
  checkText(data.title, ['data', 'title'], 1, MAX_TITLE, true);
  const { components } = data;
  if (!Array.isArray(components) || components.length < 1 || components.length > MAX_MODAL_COMPONENTS) {
    fieldError(
      ['data', 'components'],
      'BASE_TYPE_BAD_LENGTH',
      `Must be between 1 and ${MAX_MODAL_COMPONENTS} in length.`,
    );
  }
  const customIds = new CustomIds();
  const textInputs: ModalTextInput[] = [];
  components.forEach((component: unknown, index) => {
    const path = ['data', 'components', index];
    if (!isRecord(component)) fieldError(path, 'BASE_TYPE_BAD_TYPE', 'Must be an object.');
    const input = readTopLevel(component, path, customIds);
    if (input) textInputs.push(input);
  });
  return {
    customId: data.custom_id as string,
    title: data.title as string,
    components: components as APIModalInteractionResponseCallbackComponent[],
    textInputs,
  };
}

function readTopLevel(
  component: Record<string, unknown>,
  path: Path,
  customIds: CustomIds,
): ModalTextInput | undefined {
  switch (component.type) {
    case ComponentType.Label: {
      checkText(component.label, [...path, 'label'], 1, MAX_LABEL, true);
      checkText(component.description, [...path, 'description'], 0, MAX_DESCRIPTION, false);
      const inner = component.component;
      const at = [...path, 'component'];
      if (!isRecord(inner)) fieldError(at, 'BASE_TYPE_REQUIRED', 'This field is required');
      if (inner.type === ComponentType.TextInput) return readTextInput(inner, at, customIds, component.label as string);
      if (!OTHER_LABELLED_TYPES.has(inner.type as number)) {
        fieldError([...at, 'type'], 'UNION_TYPE_CHOICES', 'Value of field "type" must be an input component.');
      }
      customIds.check(inner.custom_id, [...at, 'custom_id']);
      return undefined;
    }
    case ComponentType.TextDisplay:
      checkText(component.content, [...path, 'content'], 1, MAX_TEXT, true);
      return undefined;
    case ComponentType.ActionRow: {
      const children = component.components;
      if (!Array.isArray(children) || children.length !== 1) {
        fieldError([...path, 'components'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 1 in length.');
      }
      const [inner] = children as unknown[];
      const at = [...path, 'components', 0];
      if (!isRecord(inner) || inner.type !== ComponentType.TextInput) {
        fieldError([...at, 'type'], 'UNION_TYPE_CHOICES', 'Value of field "type" must be 4.');
      }
      checkText(inner.label, [...at, 'label'], 1, MAX_LABEL, true);
      return readTextInput(inner, at, customIds, inner.label as string);
    }
    default:
      return fieldError([...path, 'type'], 'UNION_TYPE_CHOICES', 'Value of field "type" must be one of (1, 10, 18).');
  }
}

function readTextInput(
  input: Record<string, unknown>,
  path: Path,
  customIds: CustomIds,
  label: string,
): ModalTextInput {
  customIds.check(input.custom_id, [...path, 'custom_id']);
  const { style, min_length: min, max_length: max, required, value, placeholder } = input;
  if (style !== TextInputStyle.Short && style !== TextInputStyle.Paragraph) {
    fieldError([...path, 'style'], 'BASE_TYPE_CHOICES', 'Value must be one of (1, 2).');
  }
  const bound = (field: string, given: unknown, low: number): number | undefined => {
    if (given === undefined || given === null) return undefined;
    if (typeof given !== 'number' || !Number.isInteger(given) || given < low || given > MAX_TEXT) {
      fieldError([...path, field], 'NUMBER_TYPE_MAX', `Must be between ${low} and ${MAX_TEXT}.`);
    }
    return given;
  };
  const minLength = bound('min_length', min, 0);
  const maxLength = bound('max_length', max, 1);
  if (minLength !== undefined && maxLength !== undefined && minLength > maxLength) {
    fieldError([...path, 'min_length'], 'TEXT_INPUT_MIN_LENGTH_EXCEEDS_MAX', 'min_length must not exceed max_length');
  }
  checkText(value, [...path, 'value'], 0, maxLength ?? MAX_TEXT, false);
  checkText(placeholder, [...path, 'placeholder'], 0, MAX_PLACEHOLDER, false);
  if (required !== undefined && typeof required !== 'boolean') {
    fieldError([...path, 'required'], 'BASE_TYPE_BAD_TYPE', 'Must be a boolean.');
  }
  return {
    customId: input.custom_id as string,
    label,
    style,
    required: required !== false,
    minLength,
    maxLength,
    value: typeof value === 'string' ? value : undefined,
    placeholder: typeof placeholder === 'string' ? placeholder : undefined,
  };
}

/**
 * What Discord sends when the member submits the modal: `data.custom_id` and the components
 * with each text input's value (the pre-filled one unless `values` names it), numbered the way
 * Discord numbers components without an `id`. Throws when Discord's client would not let the
 * member submit: a required input left empty, a value outside its lengths, a line break in a
 * short input, or a value for an input the modal does not have.
 */
export function modalSubmission(modal: RecordedModal, values: Readonly<Record<string, string>>): APIModalSubmission {
  const known = new Set(modal.textInputs.map((input) => input.customId));
  for (const customId of Object.keys(values)) {
    if (!known.has(customId)) {
      throw new Error(`Modal "${modal.customId}" has no text input "${customId}"; it has ${[...known].join(', ')}`);
    }
  }
  let nextId = 1;
  const id = (given: unknown): number => (typeof given === 'number' && given > 0 ? given : nextId++);
  const answer = (input: Record<string, unknown>) => {
    const text = textInput(modal, input.custom_id as string);
    return {
      type: ComponentType.TextInput as const,
      id: id(input.id),
      custom_id: text.customId,
      value: submittedValue(modal, text, values[text.customId]),
    };
  };
  const components = modal.components.map((component): APIModalSubmissionComponent => {
    const raw = component as unknown as Record<string, unknown>;
    const ownId = id(raw.id);
    if (component.type === ComponentType.ActionRow) {
      const [inner] = raw.components as Record<string, unknown>[];
      return { type: ComponentType.ActionRow, id: ownId, components: inner ? [answer(inner)] : [] };
    }
    if (component.type === ComponentType.TextDisplay) return { type: ComponentType.TextDisplay, id: ownId };
    const inner = raw.component as Record<string, unknown>;
    if (inner.type !== ComponentType.TextInput) {
      throw new Error(
        `The stand-in submits text inputs only; "${String(inner.custom_id)}" is of type ${String(inner.type)}`,
      );
    }
    return { type: ComponentType.Label, id: ownId, component: answer(inner) };
  });
  return { custom_id: modal.customId, components };
}

function textInput(modal: RecordedModal, customId: string): ModalTextInput {
  const input = modal.textInputs.find((candidate) => candidate.customId === customId);
  if (!input) throw new Error(`Modal "${modal.customId}" lost its text input "${customId}"`);
  return input;
}

function submittedValue(modal: RecordedModal, input: ModalTextInput, given: string | undefined): string {
  const value = given ?? input.value ?? '';
  const refuse = (why: string): never => {
    throw new Error(`Discord's client would not submit modal "${modal.customId}": "${input.customId}" ${why}`);
  };
  if (value === '') {
    if (input.required) refuse('is required');
    return value;
  }
  if (input.minLength !== undefined && value.length < input.minLength) refuse(`needs ${input.minLength}+ characters`);
  if (value.length > (input.maxLength ?? MAX_TEXT)) refuse(`takes at most ${input.maxLength ?? MAX_TEXT} characters`);
  if (input.style === TextInputStyle.Short && value.includes('\n')) refuse('is a single line');
  return value;
}
