/** An answer in words ("Paris", "4 of 5", "sun, light"), for the confirmation the student sees. */
import type { AnswerValue, PollContent } from '@handsup/protocol';

export function describeAnswer(content: PollContent, value: AnswerValue): string {
  const label = (id: string) =>
    content.type === 'single_choice' || content.type === 'multiple_choice'
      ? (content.options.find((o) => o.id === id)?.text ?? id)
      : id;
  switch (value.type) {
    case 'single_choice':
      return label(value.optionId);
    case 'multiple_choice':
      return value.optionIds.map(label).join(', ');
    case 'true_false':
      return value.value ? 'True' : 'False';
    case 'rating':
      return `${value.value} of ${content.type === 'rating' ? content.scale : 10}`;
    case 'numeric':
      return `${value.value}${content.type === 'numeric' && content.unit ? ` ${content.unit}` : ''}`;
    case 'word_cloud':
      return value.entries.join(', ');
    case 'open_text':
      return value.text;
  }
}
