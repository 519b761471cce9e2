/**
 * Both phases end to end: unsure drawings go to the cloud and confident ones
 * never do, a letter is "not a digit" on the device itself, requests made offline survive a closed tab and are answered later,
 * and a failing cloud leaves the edge answer standing.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { GATED_DIGIT, GATED_STROKES, NOT_A_DIGIT_STROKES } from '../test/fixtures/digit-strokes';
import { drawAndSettle, expectSource, shownAnswer, waitForPhaseOne, waitForServiceWorker } from './support/app';
import { predictCalls } from './support/server-metrics';

const manifest = JSON.parse(readFileSync('public/models/manifest.json', 'utf8')) as { models: { name: string; role: string }[] };
const cloudModel = manifest.models.find((m) => m.role === 'cloud')?.name ?? '';

/** The keys of the app's calls to the cloud, as they leave the page. */
function watchCloudKeys(page: Page): string[] {
  const keys: string[] = [];
  page.on('request', (request) => {
    if (!request.url().includes(':predict')) return;
    const body = request.postDataJSON() as { instances: { key: string }[] };
    keys.push(...body.instances.map((i) => i.key));
  });
  return keys;
}

const outbox = (page: Page) => page.getByTestId('status-outbox');

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await waitForPhaseOne(page);
});

test('a drawing the small model is unsure of is answered by the full model in the cloud', async ({ page, request }) => {
  const keys = watchCloudKeys(page);
  const before = await predictCalls(request, cloudModel);
  await drawAndSettle(page, GATED_STROKES);
  await expectSource(page, 'cloud');
  expect((await shownAnswer(page)).label).toBe(String(GATED_DIGIT));
  // The edge said something else first; the card shows both.
  await expect(page.getByTestId('prediction-revision')).toHaveAttribute('data-revised', 'true');
  expect(keys).toHaveLength(1);
  expect(await predictCalls(request, cloudModel)).toBe(before + 1);
});

test('a confident drawing never calls the cloud', async ({ page, request }) => {
  const keys = watchCloudKeys(page);
  const before = await predictCalls(request, cloudModel);
  await drawAndSettle(page, [
    [
      [120, 70],
      [150, 40],
      [150, 245],
    ],
  ]);
  expect(await shownAnswer(page)).toEqual({ label: '1', source: 'edge', status: 'final' });
  expect(keys).toEqual([]);
  expect(await predictCalls(request, cloudModel)).toBe(before);
});

test('a letter is answered "not a digit" on the device, without the cloud', async ({ page, request }) => {
  const keys = watchCloudKeys(page);
  const before = await predictCalls(request, cloudModel);
  await drawAndSettle(page, NOT_A_DIGIT_STROKES);
  expect(await shownAnswer(page)).toEqual({ label: 'not a digit', source: 'edge', status: 'final' });
  await expect(page.getByTestId('prediction-label')).toHaveAttribute('data-label', 'not-a-digit');
  await expect(page.getByTestId('history').locator('li').first().locator('.history-label')).toHaveText('not a digit');
  expect(keys).toEqual([]);
  expect(await predictCalls(request, cloudModel)).toBe(before);
});

test('offline, the request is queued; back online it is answered and the user sees the revision', async ({ page, context, request }) => {
  const keys = watchCloudKeys(page);
  const before = await predictCalls(request, cloudModel);
  await context.setOffline(true);
  await drawAndSettle(page, GATED_STROKES);
  // The edge answers at once, marked as waiting for the full model.
  expect(await shownAnswer(page)).toMatchObject({ source: 'edge', status: 'queued' });
  await expect(outbox(page)).toHaveAttribute('data-count', '1');
  expect(await predictCalls(request, cloudModel)).toBe(before);

  await context.setOffline(false);
  await expectSource(page, 'cloud');
  expect((await shownAnswer(page)).label).toBe(String(GATED_DIGIT));
  await expect(outbox(page)).toHaveAttribute('data-count', '0');
  await expect(page.getByTestId('history').locator('li').first()).toHaveAttribute('data-origin', 'cloud');
  expect(keys).toHaveLength(1);
  expect(await predictCalls(request, cloudModel)).toBe(before + 1);
});

test('nothing queued offline is lost when the tab closes: the next visit answers it all', async ({ page, context, request }) => {
  await waitForServiceWorker(page);
  const before = await predictCalls(request, cloudModel);
  await context.setOffline(true);
  // Two different hard drawings and one repeat, which the cache answers without a second request.
  const shifted = GATED_STROKES.map((stroke) => stroke.map(([x, y]) => [x + 8, y + 5] as const));
  await drawAndSettle(page, GATED_STROKES);
  await drawAndSettle(page, shifted);
  await drawAndSettle(page, GATED_STROKES);
  expect((await shownAnswer(page)).source).toBe('cache');
  await expect(outbox(page)).toHaveAttribute('data-count', '2');
  await page.close();

  // A new tab, still offline: the app starts from the precache and the requests are still there.
  const next = await context.newPage();
  // Every count the connection pill shows, from its first render: the queue is never shown empty on the way to 2.
  await next.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { pillCounts: string[] }).pillCounts = seen;
    new MutationObserver(() => {
      const shown = document.querySelector('[data-testid="outbox-count"]')?.textContent;
      if (shown !== undefined && shown !== null && seen.at(-1) !== shown) seen.push(shown);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  await next.goto('/');
  await waitForPhaseOne(next);
  await expect(outbox(next)).toHaveAttribute('data-count', '2');
  await expect(next.getByTestId('outbox-count')).toHaveText('2');
  const shown = await next.evaluate(() => (window as unknown as { pillCounts: string[] }).pillCounts);
  expect(shown.filter((count) => count !== '…')[0]).toBe('2');
  await expect(next.getByTestId('history').locator('li[data-status="queued"]')).toHaveCount(3);

  await context.setOffline(false);
  await expect(outbox(next)).toHaveAttribute('data-count', '0');
  // Every entry, the repeat too, now shows the full model's answer, and the device's beside it.
  const entries = next.getByTestId('history').locator('li');
  await expect(entries).toHaveCount(3);
  await expect(next.getByTestId('history').locator('li[data-origin="cloud"]')).toHaveCount(3);
  await expect(entries.locator('.history-label')).toHaveText([String(GATED_DIGIT), String(GATED_DIGIT), String(GATED_DIGIT)]);
  expect(await predictCalls(request, cloudModel)).toBe(before + 2);
});

test('when the cloud fails, the edge answer stands, marked, and the request waits', async ({ page, request }) => {
  await page.route('**/*:predict', (route) =>
    route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":"shutting down","code":"SHUTTING_DOWN"}' }),
  );
  const before = await predictCalls(request, cloudModel);
  await drawAndSettle(page, GATED_STROKES);
  expect(await shownAnswer(page)).toMatchObject({ source: 'edge', status: 'fallback' });
  await expect(page.getByTestId('prediction-status')).toContainText('cloud answered 503: shutting down');
  await expect(outbox(page)).toHaveAttribute('data-count', '1');

  // The cloud is back: the next try (here, coming back online) answers it.
  await page.unroute('**/*:predict');
  await page.context().setOffline(true);
  await page.context().setOffline(false);
  await expectSource(page, 'cloud');
  await expect(outbox(page)).toHaveAttribute('data-count', '0');
  expect(await predictCalls(request, cloudModel)).toBe(before + 1);
});

test('in only-on-device mode an unsure drawing stays on the device', async ({ page, request }) => {
  await page.getByTestId('setting-mode-only_on_device').check();
  await expect(page.getByTestId('setting-mode')).toHaveAttribute('data-value', 'only_on_device');
  const before = await predictCalls(request, cloudModel);
  await drawAndSettle(page, GATED_STROKES);
  expect(await shownAnswer(page)).toMatchObject({ source: 'edge', status: 'final' });
  expect(await predictCalls(request, cloudModel)).toBe(before);
});
