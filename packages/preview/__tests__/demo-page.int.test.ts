import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CHANNELS, runDemo, type DemoResult } from '../src/demo';
import { allScenarios } from '../src/scenarios';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser) {
  console.warn(
    `Skipping the demo page browser test: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH).`,
  );
}

let out: string;
let demo: DemoResult;
let browser: Browser | undefined;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'demo-'));
  demo = await runDemo({ scenarios: allScenarios(), outDir: out });
  if (haveBrowser) {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }
}, 120_000);

afterAll(async () => {
  await browser?.close();
  rmSync(out, { recursive: true, force: true });
});

describe('the demo', () => {
  it('runs every scenario as promised', () => {
    expect(demo.runs.filter((r) => !r.ok).map((r) => `${r.title}: ${r.problem}`)).toEqual([]);
  });

  it('is self-contained: no external scripts, styles, fonts or images', () => {
    expect(demo.html).not.toMatch(/<script|<link|@import|@font-face|<img|url\(/i);
  });

  (haveBrowser ? it : it.skip)(
    'shows every channel with its messages in Chromium, and nothing fails to load',
    async () => {
      const page = await (browser as Browser).newPage();
      const problems: string[] = [];
      page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console: ${m.text()}`);
      });
      await page.goto(`file://${demo.file}`);
      for (const channel of Object.keys(CHANNELS) as (keyof typeof CHANNELS)[]) {
        const section = page.locator(`section.channel[data-channel="${channel}"]`);
        await expect(section.count()).resolves.toBe(1);
        expect(demo.messages[channel]).toBeGreaterThan(0);
        await expect(section.locator('article.message').count()).resolves.toBe(demo.messages[channel]);
      }
      const titles = await page.locator('.embed-title').allInnerTexts();
      expect(titles).toContain('❌ frontend-ci failed on main');
      // The deploy is one message: "Deploying…" when it started, edited when it succeeded.
      expect(titles.filter((t) => t.startsWith('🚀 Deploying'))).toEqual([]);
      await expect(page.locator('section.channel[data-channel="deploys"] .edited').count()).resolves.toBe(1);
      // started 254 s before the run: the title says how long the deploy took.
      expect(
        titles.filter((t) => /^✅ mara 2\.8\.0\+512 deployed to production in 4m 1[45]s$/.test(t)),
      ).toHaveLength(1);
      await expect(page.locator('article.summary').count()).resolves.toBe(demo.runs.length);
      await page.close();
      expect(problems).toEqual([]);
    },
  );
});
