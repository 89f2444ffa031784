/**
 * Rules for a poll definition that its schema cannot state: they relate one field to another
 * (unique option ids, min below max, the correct answer fitting the type and options).
 * The schema has already checked shapes and limits.
 */
import {
  AppError,
  type CorrectAnswer,
  DEFAULT_POLL_SETTINGS,
  type PollContent,
  type PollSettings,
  type PollSettingsInput,
  type PollSettingsPatch,
} from '@handsup/protocol';

const fail: (field: string, message: string) => never = (field, message) => {
  throw new AppError('validation_failed', message, { field });
};

/** Most grid points a numeric poll may have, so results stay bounded and step checks stay exact. */
const MAX_NUMERIC_STEPS = 1_000_000;

const checkContent = (content: PollContent): void => {
  switch (content.type) {
    case 'single_choice':
    case 'multiple_choice': {
      const ids = new Set(content.options.map((o) => o.id));
      if (ids.size !== content.options.length) fail('content.options', 'Option ids must be unique.');
      if (content.type === 'multiple_choice') {
        const min = content.minSelections ?? 1;
        const max = content.maxSelections ?? content.options.length;
        if (max > content.options.length)
          fail('content.maxSelections', 'maxSelections exceeds the number of options.');
        if (min > max) fail('content.minSelections', 'minSelections is greater than maxSelections.');
      }
      return;
    }
    case 'numeric': {
      if (!(content.min < content.max)) fail('content.min', 'min must be less than max.');
      if (content.step !== undefined && (content.max - content.min) / content.step > MAX_NUMERIC_STEPS) {
        fail('content.step', `step allows more than ${MAX_NUMERIC_STEPS} values.`);
      }
      return;
    }
    default:
      return;
  }
};

const checkCorrect = (content: PollContent, correct: CorrectAnswer): void => {
  const wrongKind: () => never = () =>
    fail('settings.correct', `A ${content.type} poll cannot have a ${correct.kind} answer.`);
  switch (correct.kind) {
    case 'choice': {
      if (content.type !== 'single_choice' && content.type !== 'multiple_choice') wrongKind();
      const ids = new Set(content.options.map((o) => o.id));
      const unknown = correct.optionIds.find((id) => !ids.has(id));
      if (unknown) fail('settings.correct.optionIds', `Option '${unknown}' does not exist.`);
      if (content.type === 'multiple_choice') {
        const n = correct.optionIds.length;
        const min = content.minSelections ?? 1;
        const max = content.maxSelections ?? content.options.length;
        if (n < min || n > max) fail('settings.correct.optionIds', 'The correct set must be a valid answer.');
      }
      return;
    }
    case 'true_false':
      if (content.type !== 'true_false') wrongKind();
      return;
    case 'numeric_value':
      if (content.type !== 'numeric') wrongKind();
      if (correct.value < content.min || correct.value > content.max) {
        fail('settings.correct.value', 'The correct value is outside the allowed range.');
      }
      return;
    case 'numeric_range':
      if (content.type !== 'numeric') wrongKind();
      if (correct.min > correct.max) fail('settings.correct.min', 'min is greater than max.');
      return;
  }
};

/**
 * Throws AppError('validation_failed', …, { field }) if content and settings do not fit together.
 *
 * @example validatePollDefinition(body.content, resolveSettings(body.settings));
 */
export const validatePollDefinition = (content: PollContent, settings: PollSettings): void => {
  checkContent(content);
  if (settings.correct) checkCorrect(content, settings.correct);
};

/** Stored settings from the create body: defaults filled in. */
export const resolveSettings = (input: PollSettingsInput = {}): PollSettings => {
  const out: PollSettings = { ...DEFAULT_POLL_SETTINGS };
  for (const [k, v] of Object.entries(input)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
};

/** Stored settings after an update: patch merged in, `null` removing the timer or the correct answer. */
export const applySettingsPatch = (current: PollSettings, patch: PollSettingsPatch = {}): PollSettings => {
  const out: Record<string, unknown> = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (v !== undefined) out[k] = v;
  }
  return out as PollSettings;
};
