import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { REPO_ROOT } from '@mlops/testing';

/**
 * A real Chromium for the console's end-to-end tests: Debian's `chromium` (installed by
 * scripts/setup.sh; CHROMIUM_PATH names another), driven by playwright-core, headless.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where the tests' screenshots go: docs/console when CONSOLE_SCREENSHOTS_DIR says so (scripts/console-screenshots.sh), else .cache. */
export const SCREENSHOT_DIR = path.resolve(REPO_ROOT, process.env.CONSOLE_SCREENSHOTS_DIR ?? '.cache/console-screenshots');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--headless', '--no-sandbox', '--disable-dev-shm-usage'] });
}

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  /** Errors the page's scripts threw or logged (a test asserts there are none). */
  errors: string[];
}

/** A fresh browser session (its own session storage), at the sign-in page. */
export async function openConsole(browser: Browser, baseUrl: string): Promise<ConsolePage> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1440, height: 960 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of (401|403|404|409)/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  return { context, page, errors };
}

export async function signIn(page: Page, token: string): Promise<void> {
  await page.goto('/signin');
  await page.getByTestId('token-input').fill(token);
  await page.getByTestId('sign-in').click();
  await page.getByTestId('signed-in-as').waitFor();
}

/** A full-page screenshot of what the person sees, under SCREENSHOT_DIR/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // Let the charts finish drawing and fonts settle.
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
