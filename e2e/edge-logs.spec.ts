/**
 * Sampled edge logs, end to end: the app sends the edge records of the keys
 * the server's rate samples and of every labelled drawing, nothing else, as
 * the user saw them; with the 28x28 input when drawings are shared, without
 * any pixels when not; and the server accepts them.
 */
import { expect, test, type Page } from '@playwright/test';
import { keySampled } from '../src/core/hash/key-sampling';
import { drawDigit, useSettings, waitForPhaseOne } from './support/app';

interface SentRecord {
  readonly key: string;
  readonly label: string;
  readonly pixels?: number[];
  readonly gate_fired: boolean;
  readonly answered_by: string;
}

/** Every edge record the page sends, and how many the server accepted or already had. */
function watchEdgeLogs(page: Page): { records: SentRecord[]; acknowledged: number } {
  const seen = { records: [] as SentRecord[], acknowledged: 0 };
  page.on('request', (request) => {
    if (request.url().endsWith('/v1/logs/predictions')) seen.records.push(...(request.postDataJSON() as { records: SentRecord[] }).records);
  });
  page.on('response', async (response) => {
    if (!response.url().endsWith('/v1/logs/predictions') || !response.ok()) return;
    const reply = (await response.json()) as { accepted: number; duplicates: number };
    seen.acknowledged += reply.accepted + reply.duplicates;
  });
  return seen;
}

const settledKeys = (page: Page) =>
  page.evaluate(async () => {
    const handle = (window as unknown as { digitsApp: { store: { history: { recent(n: number): Promise<{ answer: { key: string } }[]> } } } }).digitsApp;
    return (await handle.store.history.recent(50)).map((e) => e.answer.key);
  });

for (const share of [true, false]) {
  test(`sends the sampled and the labelled edge records, ${share ? 'with' : 'without'} the drawing`, async ({ page, request }) => {
    const rate = ((await (await request.get('/v1/app-config')).json()) as { edge_log_sample_rate: number }).edge_log_sample_rate;
    await useSettings(page, { shareDrawings: share });
    const sent = watchEdgeLogs(page);
    await page.goto('/');
    await waitForPhaseOne(page);
    for (const digit of [0, 2, 3, 5, 6, 8]) await drawDigit(page, digit);
    await page.getByTestId('feedback-right').click();
    await expect(page.getByTestId('outbox-count')).toHaveText('0');

    const keys = await settledKeys(page);
    const [labelled] = keys;
    const expected = keys.filter((key) => key === labelled || keySampled(key, rate));
    await expect.poll(() => sent.records.map((r) => r.key).sort()).toEqual([...new Set(expected)].sort());
    await expect.poll(() => sent.acknowledged).toBe(sent.records.length);
    for (const record of sent.records) {
      expect(record.pixels === undefined).toBe(!share);
      if (share) expect(record.pixels).toHaveLength(784);
      expect(record).toMatchObject({ gate_fired: expect.any(Boolean), answered_by: expect.stringMatching(/^(edge|cloud)$/) });
    }
    expect(sent.records.find((r) => r.key === labelled)?.label).toBe('8');
  });
}
