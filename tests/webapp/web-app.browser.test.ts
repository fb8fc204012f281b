/**
 * The reference web app in a real browser: Debian's Chromium, headless, driven by playwright-core, against
 * the local host serving the built app at `/` and the API under /api (no browser download: `.ci/run`
 * installs the chromium package). A screenshot of each step goes to test-artifacts/browser/.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { type Browser, chromium, type Page } from 'playwright-core';
import { z } from 'zod';

import { getJson, repoRoot, startTestStack, type TestStack } from '../support/test-stack';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(repoRoot, 'test-artifacts', 'browser');
// What this machine's closed network and a root user need (see the machine notes): no sandbox, no GPU,
// nothing that phones home at start.
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const EXAMPLE =
  'will a 32-year-old business traveller with seat comfort 4, cleanliness 5, 10 minutes departure delay be satisfied?';
const STORY = 'tell me a fairly long story about streaming tokens into a browser window';
// A busy 2-core machine: waits are generous; what is asserted is order and presence, not speed.
const UI_TIMEOUT_MS = 30_000;

const conversationsSchema = z.object({
  conversations: z.array(z.object({ id: z.string(), title: z.string() })),
});
const detailSchema = z.object({ messages: z.array(z.object({ role: z.string(), content: z.string() })) });

describe('the reference web app in Chromium', () => {
  let stack: TestStack;
  let base: string;
  let browser: Browser;
  let page: Page;
  let step = 0;

  const shot = async (name: string) => {
    step += 1;
    await page.screenshot({
      path: join(ARTIFACTS, `${String(step).padStart(2, '0')}-${name}.png`),
      fullPage: true,
    });
  };
  const composer = () => page.getByLabel('Message', { exact: true });
  const lastAnswer = () => page.locator('li[data-role="assistant"]').last();
  const conversationList = () => page.getByRole('navigation', { name: 'Conversations' });
  const listed = async () =>
    conversationsSchema.parse((await getJson(`${base}/api/conversations?pageSize=50`)).body).conversations;
  const send = async (text: string) => {
    await composer().fill(text);
    await composer().press('Enter');
  };
  const waitForAnswerEnd = () =>
    page
      .getByRole('status')
      .filter({ hasText: /Answering|Waiting/ })
      .waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (see .ci/run)`);
    mkdirSync(ARTIFACTS, { recursive: true });
    stack = await startTestStack();
    base = (await stack.startHost()).url;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    await page.goto(`${base}/`);
  }, 120_000);
  afterAll(async () => {
    await browser.close();
    await stack.stop();
  });

  it('when a message is sent with the keyboard, then the answer arrives in several steps before it ends', async () => {
    stack.model?.configure({ timeToFirstTokenMs: 600, perTokenDelayMs: 150 });
    await page.evaluate(() => {
      const seen: number[] = [];
      Object.assign(window, { answerLengths: seen });
      new MutationObserver(() => {
        const answers = document.querySelectorAll('li[data-role="assistant"] .text');
        const length = answers[answers.length - 1]?.textContent.length ?? 0;
        if (length > 0 && seen.at(-1) !== length) seen.push(length);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await send(STORY);
    await page.getByRole('status').filter({ hasText: 'Answering' }).waitFor();
    await shot('streaming');
    await waitForAnswerEnd();
    await expect(lastAnswer().locator('.text').innerText()).resolves.toBe(`Simulated answer: ${STORY}`);
    const lengths = z
      .array(z.number())
      .parse(await page.evaluate((): unknown => Reflect.get(window, 'answerLengths')));
    // Text was shown at least three times before it was whole, each time longer.
    expect(lengths.length).toBeGreaterThanOrEqual(4);
    expect(lengths.at(-1)).toBe(`Simulated answer: ${STORY}`.length);
    expect([...lengths].sort((a, b) => a - b)).toEqual(lengths);
    await shot('answered');
    stack.model?.configure({ timeToFirstTokenMs: 0, perTokenDelayMs: 20 });
  });

  it('when the next message needs the scoring tool, then a tool card shows the score and the turn continues the conversation', async () => {
    await send(EXAMPLE);
    const card = page.getByRole('region', { name: 'Tool predict_customer' });
    await card.waitFor();
    await card.getByText('Customer satisfaction score').waitFor();
    await page.locator('[data-tool="predict_customer"][data-state="output-available"]').waitFor();
    await expect(card.locator('.score-label').innerText()).resolves.toMatch(/satisfied/i);
    await waitForAnswerEnd();
    await shot('tool-card');
    const [conversation, ...others] = await listed();
    expect(others).toEqual([]);
    const detail = detailSchema.parse(
      (await getJson(`${base}/api/conversations/${conversation?.id ?? ''}`)).body,
    );
    expect(
      detail.messages.filter((message) => message.role === 'user').map((message) => message.content),
    ).toEqual([STORY, EXAMPLE]);
  });

  it('when a second chat is started, then the list shows both conversations, newest first, and the first can be continued', async () => {
    await page.getByRole('link', { name: 'New chat' }).click();
    await send('a second conversation');
    await waitForAnswerEnd();
    const titles = conversationList().locator('li .title');
    await page.waitForFunction(
      () => document.querySelectorAll('nav[aria-label="Conversations"] li').length === 2,
    );
    await expect(titles.allInnerTexts()).resolves.toEqual(['a second conversation', STORY.slice(0, 80)]);
    await shot('conversation-list');

    await conversationList()
      .getByRole('button', { name: new RegExp(`^${STORY.slice(0, 30)}`) })
      .click();
    await page.locator('[data-tool="predict_customer"][data-state="output-available"]').waitFor();
    await send('and one more thing');
    await waitForAnswerEnd();
    await expect(lastAnswer().locator('.text').innerText()).resolves.toBe(
      'Simulated answer: and one more thing',
    );
    const first = (await listed()).find((item) => item.title.startsWith(STORY.slice(0, 30)));
    const detail = detailSchema.parse((await getJson(`${base}/api/conversations/${first?.id ?? ''}`)).body);
    expect(detail.messages.filter((message) => message.role === 'user')).toHaveLength(3);
    await shot('continued');
  });

  it('when a conversation is deleted with the keyboard, then it leaves the list and the API', async () => {
    const doomed = (await listed()).find((item) => item.title === 'a second conversation');
    const remove = conversationList().getByRole('button', {
      name: 'Delete conversation: a second conversation',
    });
    await remove.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      () => document.querySelectorAll('nav[aria-label="Conversations"] li').length === 1,
    );
    expect((await getJson(`${base}/api/conversations/${doomed?.id ?? ''}`)).status).toBe(404);
    await shot('deleted');
  });

  it('when a small batch job is submitted from CSV, then the progress completes and the results table shows each item', async () => {
    await page.getByRole('link', { name: 'Batch jobs' }).click();
    const csv = [
      'text,source',
      '"Contoso Ltd trades as CTS, and its CEO is Jane Doe.",wiki',
      'Fabrikam (FAB) is led by John Roe.,report',
      'Northwind Traders: ticker NWT; CEO Ann Lee.,news',
    ].join('\n');
    const schema = {
      type: 'object',
      properties: { company_name: { type: 'string' }, stock_symbol: { type: 'string' } },
      required: ['company_name', 'stock_symbol'],
    };
    await page
      .getByLabel(/^Items/)
      .setInputFiles({ name: 'companies.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByText('3 items read').waitFor();
    await page.getByLabel(/^JSON Schema/).setInputFiles({
      name: 'schema.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(schema)),
    });
    await page.getByRole('button', { name: 'Submit job' }).click();
    await page.locator('progress#batch-progress').waitFor();
    await shot('batch-running');
    const table = page.getByRole('table', { name: 'Results' });
    await table.waitFor({ timeout: 90_000 });
    await expect(table.locator('tbody tr').count()).resolves.toBe(3);
    await expect(table.locator('thead th').allInnerTexts()).resolves.toEqual([
      '#',
      'Input',
      'company_name',
      'stock_symbol',
      'Error',
    ]);
    await expect(page.locator('progress#batch-progress').getAttribute('value')).resolves.toBe('3');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    const downloaded = readFileSync(await download.path(), 'utf8')
      .trim()
      .split(/\r?\n/);
    expect(downloaded[0]).toMatch(/company_name.*stock_symbol/);
    expect(downloaded.slice(1)).toHaveLength(3);
    expect(downloaded.join('\n')).toContain('Fabrikam');
    await shot('batch-results');
  }, 120_000);

  it('when an answer is cut short by its token budget, then the page says so under the answer', async () => {
    await page.getByRole('link', { name: 'New chat' }).click();
    await send('Think it all through [sim:reasoning-tokens:100000]');
    await waitForAnswerEnd();
    const notice = lastAnswer().getByText('This answer was cut short: it reached the length limit.');
    await expect(notice.isVisible()).resolves.toBe(true);
    await expect(lastAnswer().locator('.text').innerText()).resolves.toContain('used its whole budget');
    await shot('cut-short');
  });

  it('when a message is longer than the API accepts, then the error shows with its correlation id and the text is kept', async () => {
    await page.getByRole('link', { name: 'New chat' }).click();
    const long = 'x'.repeat(8_001);
    await send(long);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    await expect(alert.innerText()).resolves.toMatch(/at most 8000 characters/);
    await expect(alert.getByTestId('correlation-id').innerText()).resolves.toMatch(/^[0-9a-f-]{36}$/);
    await expect(composer().inputValue()).resolves.toBe(long);
    await shot('too-long');
    await alert.getByRole('button', { name: 'Dismiss' }).click();
    await composer().fill('');
  });

  it('when the page is as narrow as a phone, then nothing scrolls sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await conversationList().getByRole('button').first().click();
    await page.locator('li[data-role="assistant"]').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await shot('phone');
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it('when the model is down, then the user sees a clear error within a few seconds, with a retry offered', async () => {
    await page.getByRole('link', { name: 'New chat' }).click();
    await stack.model?.close();
    const started = Date.now();
    await send('is anyone there?');
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 15_000 });
    const waited = Date.now() - started;
    await expect(alert.innerText()).resolves.toMatch(/unavailable/i);
    await expect(alert.getByRole('button', { name: /^Retry/ }).isVisible()).resolves.toBe(true);
    await shot('model-down');
    // The backend gives up after its small interactive retry budget (about 1.5 s here); nothing retries after.
    expect(waited).toBeLessThan(10_000);
  });
});
