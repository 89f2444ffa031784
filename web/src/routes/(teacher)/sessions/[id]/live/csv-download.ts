/**
 * The CSV export needs the Bearer token, which a plain link cannot carry: fetch it, then hand the
 * browser a blob to save under the server's file name.
 */
import { ApiError, currentAccessToken } from '#lib/api/index.ts';
import { resultsCsvPath } from '#lib/api/polls.ts';

export async function downloadResultsCsv(sessionId: string): Promise<void> {
  const token = await currentAccessToken();
  const res = await fetch(resultsCsvPath(sessionId), {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (!res.ok) throw new ApiError(res.status, 'internal', `The export failed (${res.status}).`);
  const name =
    /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'handsup-results.csv';
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
