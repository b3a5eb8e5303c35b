import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import {
  GITHUB_DEFAULTS,
  runAction,
  startGitHubServer,
  startHealthTargets,
  type GitHubServer,
  type HealthTargets,
} from '@sre-toolkit/testkit';

/** The status page the bundle writes after a few runs, opened in the Chromium that `.ci/run` installs. */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser) console.warn(`Skipping the status page browser test: no Chromium at ${CHROMIUM}.`);

let targets: HealthTargets;
let github: GitHubServer;
let out: string;
let html: string;
let browser: Browser | undefined;

const HOSTILE = '<img src=x onerror=alert(1)>';

beforeAll(async () => {
  targets = await startHealthTargets();
  github = await startGitHubServer();
  out = mkdtempSync(join(tmpdir(), 'status-'));
  targets.route('/api', {
    status: 503,
    body: { status: 'DOWN', components: { [HOSTILE]: { status: 'DOWN' } } },
  });
  targets.route('/web', { body: 'ok', delayMs: 20 });
  targets.route('/search', { body: '{"status":"warn"}', contentType: 'application/health+json' });
  const sha = (
    (await (
      await fetch(`${github.url}/repos/acme/mara/git/ref/heads/main`, {
        headers: { authorization: `Bearer ${GITHUB_DEFAULTS.token}` },
      })
    ).json()) as { object: { sha: string } }
  ).object.sha;
  for (let run = 0; run < 3; run++) {
    const r = await runAction('health-probe', {
      inputs: {
        targets: `
- name: api
  url: ${targets.url('/api')}
- name: web
  url: ${targets.url('/web')}
- name: search
  url: ${targets.url('/search')}
- name: a-target-with-a-rather-long-name-that-must-wrap-on-a-phone.example.com/health
  url: ${targets.url('/web')}
`,
        retries: '0',
        'status-page': out,
        maintenance: `- {targets: [search], cron: '* * * * *', duration: 1h}`,
        'fail-on-down': 'false',
      },
      env: {
        GITHUB_TOKEN: GITHUB_DEFAULTS.token,
        GITHUB_API_URL: github.url,
        GITHUB_SHA: sha,
        GITHUB_RUN_ID: String(500 + run),
      },
    });
    expect(r.exitCode).toBe(0);
  }
  html = readFileSync(join(out, 'index.html'), 'utf8');
  if (haveBrowser) {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
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
  await Promise.all([targets.close(), github.close()]);
  rmSync(out, { recursive: true, force: true });
});

describe('the status page', () => {
  it('is self-contained and escapes what the targets said', () => {
    expect(html).not.toMatch(/<script|<link|@import|@font-face|<img|url\(|https?:\/\/(?!github\.com\/acme)/i);
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
  });

  for (const width of [375, 1280]) {
    (haveBrowser ? it : it.skip)(
      `renders every target readably at ${width} px, with no console error or request`,
      async () => {
        const page = await (browser as Browser).newPage({ viewport: { width, height: 900 } });
        const problems: string[] = [];
        const requests: string[] = [];
        page.on('request', (r) => requests.push(r.url()));
        page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
        page.on('console', (m) => {
          if (m.type() === 'error' || m.type() === 'warning') problems.push(`console: ${m.text()}`);
        });
        await page.goto(`file://${join(out, 'index.html')}`);
        expect(requests).toEqual([`file://${join(out, 'index.html')}`]);
        await expect(page.locator('.banner').innerText()).resolves.toBe('Some systems are down');
        const cards = page.locator('section.card');
        await expect(cards.count()).resolves.toBe(4);
        await expect(page.locator('section.card .pill').allInnerTexts()).resolves.toEqual([
          'down',
          'up',
          'maintenance',
          'up',
        ]);
        // 90 daily cells per target; today's cell says what happened, older ones have no data.
        await expect(cards.nth(0).locator('.bar span').count()).resolves.toBe(90);
        await expect(cards.nth(0).locator('.bar span').last().getAttribute('class')).resolves.toBe('d-down');
        await expect(cards.nth(1).locator('.bar span').last().getAttribute('class')).resolves.toBe('d-up');
        await expect(cards.nth(2).locator('.bar span').last().getAttribute('class')).resolves.toBe(
          'd-maintenance',
        );
        await expect(cards.nth(1).locator('.bar span').first().getAttribute('class')).resolves.toBe('d-none');
        // The latency sparkline of a target that answered three times; the down one has none.
        await expect(cards.nth(1).locator('svg polyline').count()).resolves.toBe(1);
        await expect(cards.nth(0).locator('svg').count()).resolves.toBe(0);
        // The open incident is linked.
        await expect(cards.nth(0).locator('a').getAttribute('href')).resolves.toBe(
          'https://github.com/acme/mara/issues/1',
        );
        await expect(cards.nth(0).locator('.meta').innerText()).resolves.toMatch(/24 h 0%/);
        // Readable: nothing wider than the screen, cells at least 2 px, text at least 12 px.
        // A string, evaluated in the page: this package's types have no DOM.
        const layout = (await page.evaluate(`(() => ({
        scroll: document.documentElement.scrollWidth,
        cell: document.querySelector('.bar span').getBoundingClientRect().width,
        smallest: Math.min(...[...document.querySelectorAll('body *')]
          .filter((e) => e.innerText && e.innerText.trim())
          .map((e) => parseFloat(getComputedStyle(e).fontSize))),
      }))()`)) as { scroll: number; cell: number; smallest: number };
        expect(layout.scroll).toBeLessThanOrEqual(width);
        expect(layout.cell).toBeGreaterThanOrEqual(2);
        expect(layout.smallest).toBeGreaterThanOrEqual(12);
        await page.close();
        expect(problems).toEqual([]);
      },
    );
  }
});
