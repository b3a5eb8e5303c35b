import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { runDemo, type DemoResult } from '../src/demo';
import { renderPage } from '../src/page';
import { allScenarios } from '../src/scenarios';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser) console.warn(`Skipping the preview layout test: no Chromium at ${CHROMIUM}.`);

const LONG = 'x'.repeat(400);
const WIDE_ROW = `| ${Array.from({ length: 14 }, (_, i) => `column-${i}-with-a-long-name`).join(' | ')} |`;

/** A page with the hard cases: long unbroken strings in every embed slot, a wide summary table, details. */
function hardPage(): string {
  return renderPage({
    title: 'layout check',
    subtitle: LONG,
    channels: [
      {
        name: 'dev-events',
        messages: [
          {
            webhookName: 'discord-notify',
            at: new Date('2026-11-28T10:00:00Z'),
            body: {
              content: `https://example.com/${LONG}`,
              embeds: [
                {
                  title: `Title ${LONG}`,
                  description: `Description ${LONG}\n\`\`\`\n${LONG}\n\`\`\``,
                  fields: [
                    { name: `Name ${LONG}`, value: `value ${LONG}`, inline: true },
                    { name: 'Branch', value: `\`feature/${LONG}\``, inline: true },
                    {
                      name: 'Commit',
                      value: `[\`3f2a9c1\`](https://github.com/acme/mara/commit/${LONG})`,
                      inline: false,
                    },
                  ],
                  footer: { text: LONG },
                },
              ],
            },
          },
        ],
      },
    ],
    runs: [
      {
        title: 'Wide summary',
        action: 'discord-notify',
        exitCode: 0,
        summary: [
          '### Summary',
          '',
          WIDE_ROW,
          `|${' --- |'.repeat(14)}`,
          WIDE_ROW,
          '',
          '<details><summary>JSON payload</summary>',
          '',
          '```json',
          `{"content": "${LONG}"}`,
          '```',
          '</details>',
          '',
          'line one<br>line two <script>alert(1)</script>',
        ].join('\n'),
      },
    ],
  });
}

let dir: string;
let demo: DemoResult;
let hard: string;
let browser: Browser | undefined;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'layout-'));
  demo = await runDemo({ scenarios: allScenarios(), outDir: dir });
  hard = join(dir, 'hard.html');
  writeFileSync(hard, hardPage());
  if (haveBrowser) {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-sync',
      ],
    });
  }
}, 120_000);
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Layout {
  pageOverflow: number;
  fieldsOutside: string[];
  literalDetails: boolean;
  details: number;
  scriptTags: number;
}

const WIDTHS = [375, 1024, 1280];

const MEASURE = `(() => {
  const outside = [];
  for (const embed of document.querySelectorAll('.embed')) {
    const box = embed.getBoundingClientRect();
    for (const part of embed.querySelectorAll('.field, .embed-title, .embed-description, .embed-footer, .embed-author')) {
      const r = part.getBoundingClientRect();
      if (r.right > box.right + 1 || r.left < box.left - 1)
        outside.push(part.className + ': ' + Math.round(r.right - box.right) + 'px past its embed');
    }
  }
  return {
    pageOverflow: document.documentElement.scrollWidth - window.innerWidth,
    fieldsOutside: outside,
    literalDetails: /<\\/?details>|<summary>/.test(document.body.innerText),
    details: document.querySelectorAll('.summary details').length,
    scriptTags: document.querySelectorAll('script').length,
  };
})()`;

async function layoutOf(file: string, width: number): Promise<Layout> {
  const page = await (browser as Browser).newPage({ viewport: { width, height: 900 } });
  try {
    await page.goto(`file://${file}`);
    // A string, run in the page: this package's TypeScript has no DOM types.
    return (await page.evaluate(MEASURE)) as Layout;
  } finally {
    await page.close();
  }
}

describe('preview pages in Chromium', () => {
  for (const width of WIDTHS) {
    (haveBrowser ? it : it.skip)(
      `the demo page at ${width}px: no page overflow, fields inside embeds, no literal <details>`,
      async () => {
        const layout = await layoutOf(demo.file, width);
        expect(layout.pageOverflow).toBeLessThanOrEqual(0);
        expect(layout.fieldsOutside).toEqual([]);
        expect(layout.literalDetails).toBe(false);
      },
    );

    (haveBrowser ? it : it.skip)(
      `long strings and wide tables at ${width}px stay inside the page`,
      async () => {
        const layout = await layoutOf(hard, width);
        expect(layout).toEqual({
          pageOverflow: expect.any(Number),
          fieldsOutside: [],
          literalDetails: false,
          details: 1,
          scriptTags: 0,
        });
        expect(layout.pageOverflow).toBeLessThanOrEqual(0);
      },
    );
  }
});
