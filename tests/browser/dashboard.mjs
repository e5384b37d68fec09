// The dashboard in a real browser (Debian's Chromium driven by
// playwright-core): start an execution from the page with a fake LLM
// server, watch it reach SUCCESS live, open its timeline and the diff
// between attempts; a failing execution shows its validation errors, a
// blocked tool its gate findings; a hanging one is killed from the page;
// the charts draw.
//
// Needs: BITTER_BINARY (the bitter to test), BITTER_NU, chromium at
// CHROMIUM (default /usr/bin/chromium), playwright-core under
// .tools/browser (scripts/test.sh installs both).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const source = path.resolve(here, '../..');
const require = createRequire(import.meta.url);
const { chromium } = require(process.env.PLAYWRIGHT_CORE || path.join(source, '.tools/browser/node_modules/playwright-core'));

const tool = (withLength) => `def main [] {
  let m = ($in | from json).message
  { success: true, data: { echo: $m, reversed: ($m | str reverse)${withLength ? ', length: ($m | str length)' : ''}, was_dry_run: false } } | to json -r
}
`;

// A fake OpenAI-compatible server on loopback: per task, the first answer
// misses data.length and the second is right; a task with FAILCASE always
// misses it; a task with HANG never answers.
function fakeLlm() {
  const seen = new Map();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const request = JSON.parse(body);
      const text = request.messages.map((m) => m.content).join('\n');
      const task = (text.match(/<task>\n([\s\S]*?)\n<\/task>/) || [null, text.slice(0, 200)])[1];
      const n = (seen.get(task) || 0) + 1;
      seen.set(task, n);
      if (text.includes('HANG')) return;  // never answers; the kill must abort it
      const good = !text.includes('FAILCASE') && n >= 2;
      // BLOCKCASE: the first answer runs an external program, which the code gate blocks.
      const code = text.includes('BLOCKCASE') && n === 1 ? 'def main [] {\n  ^curl http://example.com\n}\n' : tool(good);
      const content = 'Here is the tool:\n\n```nu\n' + code + '```\n';
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({
        id: 'chatcmpl-fake', object: 'chat.completion', model: 'fake-model',
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 },
      }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function startBitter(llmPort, home) {
  const child = spawn(process.env.BITTER_BINARY, ['serve', '--listen', '127.0.0.1:0', '--llm', 'openai', '--workers', '2'], {
    cwd: source,
    env: {
      PATH: '/usr/local/bin:/usr/bin:/bin', HOME: home, BITTER_HOME: home, BITTER_NU: process.env.BITTER_NU || '',
      OPENAI_BASE_URL: `http://127.0.0.1:${llmPort}/v1`, BITTER_LLM_MODEL: 'fake-model',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('bitter serve did not start:\n' + stderr)), 15000);
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) { clearTimeout(timer); resolve({ child, url: out.slice(0, nl), stderr: () => stderr }); }
    });
    child.on('exit', (code) => reject(new Error(`bitter serve exited ${code}:\n${stderr}`)));
  });
}

const steps = [];
async function step(name, fn) {
  const t0 = Date.now();
  await fn();
  steps.push(name);
  console.log(`ok ${steps.length} - ${name} (${Date.now() - t0} ms)`);
}

async function startFromPage(page, url, task, extra = {}) {
  await page.goto(url + '/#/new');
  await page.fill('#f-contract', 'examples/echo/datacontract.yaml');
  await page.fill('#f-task', task);
  await page.fill('#f-input', JSON.stringify({ message: extra.message || 'hello' }));
  if (extra.attempts) await page.fill('#f-attempts', String(extra.attempts));
  await page.click('#f-submit');
  await page.waitForURL(/#\/executions\//, { timeout: 10000 });
  return decodeURIComponent(page.url().split('#/executions/')[1]);
}

async function main() {
  const home = mkdtempSync(path.join(os.tmpdir(), 'bt-browser-'));
  const llm = await fakeLlm();
  const bitter = await startBitter(llm.address().port, home);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--no-sandbox'],
  });
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => { errors.push(e.message); console.error('page error: ' + e.message); });
  try {
    let okId;
    await step('start an execution from the page and watch it reach SUCCESS live', async () => {
      okId = await startFromPage(page, bitter.url, 'Echo the message back');
      await page.waitForSelector('h2 .state[data-state="SUCCESS"]', { timeout: 60000 });
      const output = await page.textContent('#output');
      if (!output.includes('"echo": "hello"')) throw new Error('accepted output not shown: ' + output);
    });
    await step('the timeline shows both attempts with their stages and the diff', async () => {
      await page.waitForSelector('section.attempt[data-attempt="2"] .timeline span');
      const first = page.locator('section.attempt[data-attempt="1"]');
      if (!(await first.locator('tr[data-stage="validate"] .stage-fail').count())) throw new Error('attempt 1 validate not failed');
      const added = await page.locator('section.attempt[data-attempt="2"] .diff .add').allTextContents();
      if (!added.some((l) => l.includes('length'))) throw new Error('the diff does not show the added length: ' + added);
      const violations = await first.locator('.violations td code').allTextContents();
      if (!violations.some((p) => p.includes('length'))) throw new Error('attempt 1 violations missing: ' + violations);
    });
    await step('the list shows it and filters by state', async () => {
      await page.goto(bitter.url + '/#/');
      await page.waitForSelector(`tr[data-id="${okId}"] .state[data-state="SUCCESS"]`, { timeout: 10000 });
      await page.selectOption('#filter-state', 'FAILED');
      await page.waitForFunction((id) => !document.querySelector(`tr[data-id="${id}"]`), okId, { timeout: 10000 });
    });
    await step('a failing execution shows its validation errors and reason', async () => {
      await startFromPage(page, bitter.url, 'FAILCASE echo the message', { attempts: 2 });
      await page.waitForSelector('h2 .state[data-state="FAILED"]', { timeout: 60000 });
      const reason = await page.textContent('#reason');
      if (!reason.includes('no tool satisfied the contract after 2 attempts')) throw new Error('reason: ' + reason);
      const rules = await page.locator('section.attempt[data-attempt="2"] .violations td').allTextContents();
      if (!rules.some((t) => t.includes('$.data.length'))) throw new Error('violations: ' + rules);
    });
    await step('a blocked tool shows its gate findings', async () => {
      await startFromPage(page, bitter.url, 'BLOCKCASE echo the message');
      await page.waitForSelector('h2 .state[data-state="SUCCESS"]', { timeout: 60000 });
      const findings = await page.locator('section.attempt[data-attempt="1"] .findings td').allTextContents();
      if (!findings.includes('nu.external')) throw new Error('findings: ' + findings);
    });
    await step('a hanging execution is killed from the page', async () => {
      await startFromPage(page, bitter.url, 'HANG echo the message');
      await page.waitForSelector('#kill', { timeout: 10000 });
      await page.click('#kill');
      await page.waitForSelector('h2 .state[data-state="KILLED"]', { timeout: 15000 });
    });
    await step('the charts draw from the metrics', async () => {
      await page.goto(bitter.url + '/#/charts');
      await page.waitForSelector('#chart-states svg rect', { timeout: 10000 });
      const bars = await page.locator('#chart-states svg text').allTextContents();
      for (const state of ['SUCCESS', 'FAILED', 'KILLED'])
        if (!bars.includes(state)) throw new Error('no bar for ' + state + ': ' + bars);
      const stages = await page.locator('#chart-latency svg rect').count();
      if (stages < 5) throw new Error('latency chart has ' + stages + ' stages');
      await page.waitForSelector('#chart-history svg circle', { timeout: 10000 });
    });
    if (errors.length) throw new Error('the page threw: ' + errors.join('; '));
  } catch (e) {
    const shot = path.join(os.tmpdir(), 'bitter-dashboard-failure.png');
    await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
    console.error(`not ok - ${e.message}\nscreenshot: ${shot}\nserver log:\n${bitter.stderr().slice(-4000)}`);
    process.exitCode = 1;
  } finally {
    await browser.close();
    bitter.child.kill('SIGTERM');
    llm.close();
    llm.closeAllConnections?.();
    rmSync(home, { recursive: true, force: true });
  }
  if (!process.exitCode) console.log(`${steps.length} browser checks passed`);
}

main().catch((e) => { console.error(e); process.exit(1); });
