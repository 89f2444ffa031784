/** Presenter keyboard shortcuts: one table, used by the key handler and by the `?` help dialog. */
export const SHORTCUTS = [
  { key: 'o', label: 'Open or close the poll on screen' },
  { key: 'n', label: 'Next poll' },
  { key: 'r', label: 'Reveal or hide results' },
  { key: 'c', label: 'Reveal or hide the correct answer' },
  { key: 't', label: 'Add 30 seconds to the timer' },
  { key: 'f', label: 'Full screen on or off' },
  { key: '?', label: 'Show or hide these shortcuts' },
] as const;

export type ShortcutKey = (typeof SHORTCUTS)[number]['key'];

/** The shortcut a key press means, or null (typing in a field, or with a modifier, is not a shortcut). */
export function shortcutFor(
  e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>,
  typing: boolean,
): ShortcutKey | null {
  if (typing || e.ctrlKey || e.metaKey || e.altKey) return null;
  const k = e.key.toLowerCase();
  return (SHORTCUTS.find((s) => s.key === k)?.key as ShortcutKey | undefined) ?? null;
}
