// What the console's browser tests share: Debian's chromium through playwright-core, screenshots
// of a page at 1440 px and phone width in light and dark, and the keyboard-only sign-in.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { TestServer } from './harness.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const ARTIFACTS = process.env.COFFER_TEST_ARTIFACTS ?? join(ROOT, 'test-artifacts', 'console');
export const CHROMIUM = process.env.COFFER_CHROMIUM ?? '/usr/bin/chromium';
export const VIEWPORTS = { desktop: { width: 1440, height: 900 }, phone: { width: 390, height: 844 } } as const;

/**
 * The page's globals, loosely typed (the tests compile without the DOM library). Predicates are
 * functions, not strings: the console's CSP forbids eval, and Playwright evaluates string
 * predicates with it.
 */
interface PageGlobals { document: { documentElement: { dataset: Record<string, string | undefined> }; querySelectorAll(selector: string): { length: number } } }

/** A browser with one page on a running server's console. */
export class ConsoleBrowser {
  /** Uncaught errors of the page; a test ends by asserting there were none. */
  readonly pageErrors: string[] = [];

  private constructor(readonly server: TestServer, readonly browser: Browser, readonly page: Page) {
    page.on('pageerror', (err) => this.pageErrors.push(err.message));
  }

  /** Checks the console is built and chromium installed, then opens a 1440 px light page. */
  static async launch(server: TestServer): Promise<ConsoleBrowser> {
    assert.ok(existsSync(join(ROOT, 'console', 'dist', 'index.html')), 'console/dist is missing: the build (npm run build) builds the console with vite');
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: scripts/setup-test.sh installs Debian's chromium`);
    await mkdir(ARTIFACTS, { recursive: true });
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const context = await browser.newContext({ viewport: VIEWPORTS.desktop, colorScheme: 'light', acceptDownloads: true });
    const page = await context.newPage();
    // CI runs every test file at once on two cores: a busy machine, not a broken page, may take 15 s.
    page.setDefaultTimeout(30_000);
    return new ConsoleBrowser(server, browser, page);
  }

  url(path = ''): string {
    return `${this.server.url}/_coffer/console/${path}`;
  }

  /** Resolves once no loading indicator is left on the page. */
  async settled(): Promise<void> {
    await this.page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.querySelectorAll('.loading, .spinner').length === 0);
  }

  /**
   * Screenshots of the current page at 1440 px and phone width, light and dark (the console follows
   * the system scheme until the toggle is used). At phone width nothing may scroll sideways.
   */
  async capture(name: string): Promise<void> {
    const page = this.page;
    await this.settled();
    try {
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        // React applies the scheme on the media query's change event: wait for it to land.
        await page.waitForFunction((want) => (globalThis as unknown as PageGlobals).document.documentElement.dataset.theme === want, scheme, { timeout: 2000 })
          .catch(() => assert.fail(`${name}: the theme does not follow the ${scheme} system scheme`));
        for (const [label, size] of Object.entries(VIEWPORTS)) {
          await page.setViewportSize(size);
          // From the top: a full-page shot of a scrolled page draws the sticky top bar mid-page.
          await page.evaluate('window.scrollTo(0, 0)');
          await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
          if (label === 'phone') {
            const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
            assert.ok(overflow <= 0, `${name}: ${overflow}px of horizontal scrolling at phone width`);
          }
          await page.screenshot({ path: join(ARTIFACTS, `${name}-${label}-${scheme}.png`), fullPage: true });
        }
      }
    } finally {
      await page.emulateMedia({ colorScheme: 'light' });
      await page.setViewportSize(VIEWPORTS.desktop);
    }
  }

  /** Signs in through the form with the keyboard only: the access key field has focus on load, Enter submits. */
  async signIn(accessKeyId: string, secretAccessKey: string, sessionToken?: string): Promise<void> {
    const page = this.page;
    await page.goto(this.url());
    await page.getByRole('heading', { name: 'Sign in to Coffer' }).waitFor();
    assert.equal(await page.evaluate('document.activeElement?.getAttribute("name")'), 'accessKeyId');
    await page.keyboard.type(accessKeyId);
    await page.keyboard.press('Tab');
    await page.keyboard.type(secretAccessKey);
    if (sessionToken) {
      await page.keyboard.press('Tab');
      await page.keyboard.insertText(sessionToken);
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
  }

  async signOut(): Promise<void> {
    await this.page.getByRole('button', { name: 'Sign out' }).click();
    await this.page.getByRole('heading', { name: 'Sign in to Coffer' }).waitFor();
  }

  /** Follows a link of the main navigation. */
  async nav(label: string): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}
