/**
 * Ground truth from the user, end to end: labels given offline ("right", and
 * "wrong" corrected with the picker) survive a closed tab and reach the
 * server's store when the app is back online, joined by key to the edge
 * records of those drawings; "not a digit" is a label like any other.
 */
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { E2E_ADMIN_TOKEN } from '../playwright.config';
import { NOT_A_DIGIT_STROKES } from '../test/fixtures/digit-strokes';
import { drawAndSettle, drawDigit, waitForPhaseOne, waitForServiceWorker } from './support/app';

const EDGE_MODEL = 'digits-small';
const admin = { authorization: `Bearer ${E2E_ADMIN_TOKEN}` };

interface Labelled {
  readonly key: string;
  readonly shown: string;
  readonly edge: string;
  readonly label?: string;
  readonly sent?: boolean;
}

/** The history as the app stores it: each answer's key, the label shown, the small model's label, and the user's label. */
function storedHistory(page: Page): Promise<Labelled[]> {
  return page.evaluate(async () => {
    type Entry = { answer: { key: string; verdict?: { label: string }; edge?: { label: string } }; feedback?: { label: string; sent: boolean } };
    const handle = (window as unknown as { digitsApp: { store: { history: { recent(n: number): Promise<Entry[]> } } } }).digitsApp;
    return (await handle.store.history.recent(50)).map((e) => ({
      key: e.answer.key,
      shown: e.answer.verdict?.label ?? '',
      edge: e.answer.edge?.label ?? e.answer.verdict?.label ?? '',
      ...(e.feedback ? { label: e.feedback.label, sent: e.feedback.sent } : {}),
    }));
  });
}

/** The server's confusion matrix of the edge model's logged records since `from`: its labelled (true, predicted) pairs. */
async function labelledPairs(request: APIRequestContext, from: string): Promise<Map<string, number>> {
  expect((await request.post('/v1/monitoring/flush', { headers: admin })).status()).toBe(200);
  const reply = await request.get(`/v1/monitoring/models/${EDGE_MODEL}/confusion?source=edge&from=${encodeURIComponent(from)}`, { headers: admin });
  expect(reply.status()).toBe(200);
  const { labels, matrix } = (await reply.json()) as { labels: string[]; matrix: number[][] };
  const pairs = new Map<string, number>();
  matrix.forEach((row, t) => row.forEach((n, p) => n > 0 && pairs.set(`${labels[t]}>${labels[p]}`, n)));
  return pairs;
}

test('labels given offline, right and corrected, reach the server after the tab closes and the app is online again', async ({ page, context, request }) => {
  // The confusion matrix reads per-minute profiles: count from the start of this minute.
  const from = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
  const before = await labelledPairs(request, from);
  await page.goto('/');
  await waitForPhaseOne(page);
  await waitForServiceWorker(page);
  await context.setOffline(true);

  await drawDigit(page, 1);
  await page.getByTestId('feedback-right').click();
  await drawDigit(page, 4);
  await page.getByTestId('feedback-wrong').click();
  await page.getByTestId('feedback-digit-9').click();
  await drawAndSettle(page, NOT_A_DIGIT_STROKES);
  await page.getByTestId('feedback-right').click();

  const offline = await storedHistory(page);
  const labelled = offline.filter((e) => e.label !== undefined);
  expect(labelled.map((e) => [e.label, e.sent])).toEqual([
    ['not-a-digit', false],
    ['9', false],
    [offline[2]?.shown, false],
  ]);
  expect(new Set(labelled.map((e) => e.key)).size).toBe(3);
  await expect(page.getByTestId('outbox-count')).not.toHaveText('0');
  await page.close();

  // A new tab, online: what waited is sent; the store holds those labels, joined to the edge records by key.
  await context.setOffline(false);
  const next = await context.newPage();
  await next.goto('/');
  await waitForPhaseOne(next);
  await expect
    .poll(async () => (await storedHistory(next)).filter((e) => e.label !== undefined).map((e) => [e.key, e.label, e.sent]), { timeout: 30_000 })
    .toEqual(labelled.map((e) => [e.key, e.label, true]));
  await expect(next.getByTestId('outbox-count')).toHaveText('0');

  const after = await labelledPairs(request, from);
  const expected = new Map<string, number>();
  for (const e of labelled) expected.set(`${e.label}>${e.edge}`, (expected.get(`${e.label}>${e.edge}`) ?? 0) + 1);
  for (const [pair, n] of expected) expect(after.get(pair) ?? 0, pair).toBe((before.get(pair) ?? 0) + n);
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  expect(total(after) - total(before)).toBe(labelled.length);
});

test('a changed mind replaces the label: the server keeps the last one', async ({ page, request }) => {
  const from = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
  const before = await labelledPairs(request, from);
  await page.goto('/');
  await waitForPhaseOne(page);
  await drawDigit(page, 3);
  await page.getByTestId('feedback-right').click();
  // Sent once the store says so (the count may read 0 before the label is even queued).
  await expect.poll(async () => (await storedHistory(page))[0]).toMatchObject({ label: '3', sent: true });
  await page.getByTestId('feedback-wrong').click();
  await page.getByTestId('feedback-digit-8').click();
  await expect.poll(async () => (await storedHistory(page))[0]).toMatchObject({ label: '8', sent: true });
  await expect(page.getByTestId('outbox-count')).toHaveText('0');
  const [entry] = await storedHistory(page);
  const after = await labelledPairs(request, from);
  expect((after.get(`8>${entry?.edge}`) ?? 0) - (before.get(`8>${entry?.edge}`) ?? 0)).toBe(1);
  expect((after.get(`3>${entry?.edge}`) ?? 0) - (before.get(`3>${entry?.edge}`) ?? 0)).toBe(0);
});
