import { getJson } from './test-stack';

export interface ResultItem {
  readonly index: number;
  readonly output?: unknown;
  readonly error?: string;
}

/** Every result of a batch job, page after page, as GET /api/batch-jobs/{id}/results gives them. */
export async function batchResults(
  base: string,
  jobId: string,
  headers: Record<string, string>,
): Promise<ResultItem[]> {
  const found: ResultItem[] = [];
  let token: string | undefined;
  do {
    const query = token === undefined ? '' : `&continuationToken=${encodeURIComponent(token)}`;
    const page = (await getJson(`${base}/api/batch-jobs/${jobId}/results?pageSize=100${query}`, { headers }))
      .body as { items: ResultItem[]; continuationToken?: string };
    found.push(...page.items);
    token = page.continuationToken;
  } while (token !== undefined);
  return found;
}
