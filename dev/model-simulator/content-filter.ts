const CATEGORIES = ['hate', 'self_harm', 'sexual', 'violence'] as const;

type Category = (typeof CATEGORIES)[number];
type CategoryResult = { filtered: boolean; severity: 'safe' | 'high' };

/** Azure's per-category verdicts; `flagged` marks the category that tripped the filter. */
export function contentFilterResults(flagged?: Category): Record<Category, CategoryResult> {
  const entries = CATEGORIES.map((category) => [
    category,
    category === flagged ? { filtered: true, severity: 'high' } : { filtered: false, severity: 'safe' },
  ]);
  return Object.fromEntries(entries) as Record<Category, CategoryResult>;
}

export function promptFilterResults(): unknown[] {
  return [
    {
      prompt_index: 0,
      content_filter_results: { ...contentFilterResults(), jailbreak: { filtered: false, detected: false } },
    },
  ];
}
