/**
 * The editor's working copy of a poll: defaults per type, and the conversion to the API's create and
 * update bodies. Pure, so the rules (a type change keeps the prompt, option ids stay stable, a cleared
 * timer is sent as null) are tested without a browser.
 */
import type {
  AnyPollView,
  CorrectAnswer,
  PollContent,
  PollCreate,
  PollSettings,
  PollType,
  PollUpdate,
  PollView,
} from '@handsup/protocol';

export interface PollDraft {
  prompt: string;
  content: PollContent;
  settings: PollSettings;
}

export const TYPE_LABELS: Record<PollType, string> = {
  single_choice: 'Single choice',
  multiple_choice: 'Multiple choice',
  true_false: 'True / false',
  rating: 'Rating scale',
  numeric: 'Numeric',
  word_cloud: 'Word cloud',
  open_text: 'Open text',
};

const twoOptions = () => [
  { id: 'o1', text: 'Option 1' },
  { id: 'o2', text: 'Option 2' },
];

export function defaultContent(type: PollType, keepOptions?: { id: string; text: string }[]): PollContent {
  switch (type) {
    case 'single_choice':
      return { type, options: keepOptions ?? twoOptions() };
    case 'multiple_choice':
      return { type, options: keepOptions ?? twoOptions() };
    case 'true_false':
      return { type };
    case 'rating':
      return { type, scale: 5, minLabel: '', maxLabel: '' };
    case 'numeric':
      return { type, min: 0, max: 100 };
    case 'word_cloud':
      return { type, maxEntries: 3 };
    case 'open_text':
      return { type, maxLength: 500 };
  }
}

export function newDraft(type: PollType = 'single_choice'): PollDraft {
  return {
    prompt: '',
    content: defaultContent(type),
    settings: { resultsVisibility: 'live', allowAnswerChange: true, anonymity: 'inherit' },
  };
}

export function draftFromPoll(p: PollView): PollDraft {
  return structuredClone({ prompt: p.prompt, content: p.content, settings: p.settings });
}

/** Switching type keeps the prompt and, between choice types, the options; the correct answer resets. */
export function changeType(d: PollDraft, type: PollType): PollDraft {
  const options = 'options' in d.content ? d.content.options : undefined;
  const { correct: _dropped, ...settings } = d.settings;
  return { ...d, content: defaultContent(type, options), settings };
}

/** A fresh option id not used by the others (ids are what answers and results refer to). */
export function nextOptionId(options: { id: string }[]): string {
  let n = options.length + 1;
  while (options.some((o) => o.id === `o${n}`)) n++;
  return `o${n}`;
}

/** Empty optional text fields are left out rather than sent as "". */
function cleanContent(c: PollContent): PollContent {
  if (c.type === 'rating') {
    const out: PollContent = { type: 'rating', scale: c.scale };
    if (c.minLabel?.trim()) out.minLabel = c.minLabel.trim();
    if (c.maxLabel?.trim()) out.maxLabel = c.maxLabel.trim();
    return out;
  }
  if (c.type === 'numeric') {
    const out: PollContent = { type: 'numeric', min: c.min, max: c.max };
    if (c.step) out.step = c.step;
    if (c.unit?.trim()) out.unit = c.unit.trim();
    return out;
  }
  if (c.type === 'single_choice' || c.type === 'multiple_choice')
    return { ...c, options: c.options.map((o) => ({ id: o.id, text: o.text.trim() })) };
  return c;
}

export function toCreate(d: PollDraft): PollCreate {
  const { timerSeconds, correct, ...rest } = d.settings;
  return {
    prompt: d.prompt.trim(),
    content: cleanContent(d.content),
    settings: { ...rest, ...(timerSeconds ? { timerSeconds } : {}), ...(correct ? { correct } : {}) },
  };
}

export function toUpdate(d: PollDraft, original: AnyPollView): PollUpdate {
  const { timerSeconds, correct, ...rest } = d.settings;
  const body: PollUpdate = {
    prompt: d.prompt.trim(),
    settings: {
      ...rest,
      timerSeconds: timerSeconds ?? null,
      correct: (correct as CorrectAnswer | undefined) ?? null,
    },
  };
  // Content can change only while the poll is a draft (answers refer to its options).
  if (original.status === 'draft') body.content = cleanContent(d.content);
  return body;
}

/** A student-side preview of the draft, for the live preview pane. */
export function previewPoll(d: PollDraft): AnyPollView {
  return {
    id: '00000000-0000-4000-8000-000000000000',
    sessionId: '00000000-0000-4000-8000-000000000000',
    position: 0,
    type: d.content.type,
    prompt: d.prompt || 'Your question',
    content: d.content,
    status: 'open',
    round: 1,
    openedAt: null,
    closesAt: null,
    closedAt: null,
    resultsReleased: false,
    correctReleased: false,
    audienceSeesResults: false,
    settings: {
      resultsVisibility: d.settings.resultsVisibility,
      allowAnswerChange: d.settings.allowAnswerChange,
      anonymity: d.settings.anonymity,
      ...(d.settings.timerSeconds ? { timerSeconds: d.settings.timerSeconds } : {}),
    },
  };
}
