/**
 * Takes the web app manifest's screenshots (a phone and a desktop) of the
 * production build, drawn with the browser tests' strokes. Run after
 * `npm run build` with the server up: `npx tsx scripts/make-screenshots.ts [base URL]`;
 * the PNGs are committed under public/screenshots.
 */
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../playwright.config';
import { DIGIT_STROKES } from '../test/fixtures/digit-strokes';
import { drawAndSettle, waitForPhaseOne } from '../e2e/support/app';

const base = process.argv[2] ?? 'http://127.0.0.1:8080';
const shots = [
  { file: 'public/screenshots/narrow.png', width: 390, height: 844, digits: [3, 7] },
  { file: 'public/screenshots/wide.png', width: 1280, height: 800, digits: [5, 1, 3] },
];

async function take(page: Page, shot: (typeof shots)[number]): Promise<void> {
  await page.goto(base);
  await waitForPhaseOne(page);
  for (const digit of shot.digits) await drawAndSettle(page, DIGIT_STROKES[digit] ?? []);
  await page.screenshot({ path: shot.file });
  console.log(`wrote ${shot.file}`);
}

const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
try {
  for (const shot of shots) {
    const context = await browser.newContext({ viewport: { width: shot.width, height: shot.height }, deviceScaleFactor: 1 });
    await take(await context.newPage(), shot);
    await context.close();
  }
} finally {
  await browser.close();
}
