// The real-browser test of `keystorm serve` (issue #7): headless Debian
// chromium driven by playwright-core, a virtual authenticator added through
// the DevTools WebAuthn domain, every API answer checked against
// docs/openapi.yaml.
//
//   KEYSTORM_BIN=build/app/tools/keystorm node tests/browser/browser_test.mjs
//
// Environment: KEYSTORM_BIN (the keystorm binary), CHROMIUM (default
// /usr/bin/chromium), KEYSTORM_SCREENSHOT (default docs/login_page.png),
// KEYSTORM_TEST_PORT (first of three consecutive ports; default: three free
// ports the kernel picks, so that parallel jobs on one machine never collide).
import { chromium } from 'playwright-core';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE_POLICY, startServer } from './server_process.mjs';
import { loadOpenApi } from './openapi_validator.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const binary = process.env.KEYSTORM_BIN || path.join(repo, 'build/release/tools/keystorm');
// Three ports free now: bound to port 0 together (so they differ), read
// back, released.  The server binds them a moment later: its origin must
// name the public port, so it cannot bind port 0 itself.
async function freePorts(count) {
  const probes = await Promise.all(
    Array.from({ length: count }, () => new Promise((resolve, reject) => {
      const probe = net.createServer();
      probe.on('error', reject);
      probe.listen(0, '127.0.0.1', () => resolve(probe));
    })));
  const found = probes.map((probe) => probe.address().port);
  await Promise.all(probes.map((probe) => new Promise((resolve) => probe.close(resolve))));
  return found;
}
const firstPort = process.env.KEYSTORM_TEST_PORT ? Number(process.env.KEYSTORM_TEST_PORT) : null;
const ports = firstPort
  ? { public: firstPort, admin: firstPort + 1, management: firstPort + 2 }
  : await freePorts(3).then(([p, a, m]) => ({ public: p, admin: a, management: m }));
const screenshot = process.env.KEYSTORM_SCREENSHOT || path.join(repo, 'docs/login_page.png');

const results = [];
async function step(name, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name}: ${error.stack || error}`);
    throw error;
  }
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

const openapi = loadOpenApi(path.join(repo, 'docs/openapi.yaml'));
const server = await startServer({
  binary,
  ports,
});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox'],
});
let failed = false;
const schemaErrors = [];
try {
  const context = await browser.newContext({ viewport: { width: 900, height: 720 } });
  const page = await context.newPage();
  // Every public API answer the pages receive is checked against the spec
  // (read here, before the page may navigate away from it).
  await page.route('**/v1/**', async (route) => {
    const response = await route.fetch();
    const url = new URL(route.request().url());
    try {
      openapi.validate(route.request().method(), url.pathname, response.status(), await response.json());
    } catch (error) {
      schemaErrors.push(String(error.message || error));
    }
    await route.fulfill({ response });
  });

  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  const credentials = async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
  const forgetAllCredentials = async () => {
    for (const c of await credentials()) {
      await cdp.send('WebAuthn.removeCredential', { authenticatorId, credentialId: c.credentialId });
    }
  };

  const loginAs = async (username) => {
    await page.goto(`${server.base}/login`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.fill('#username', username);
    await page.click('#login-button');
  };
  const register = async (username) => {
    await page.waitForURL(`**/register?username=${username}`);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.inputValue('#username') === username, 'register page has the user name');
    await page.click('#register-button');
    await page.waitForSelector('body[data-state="registered"], body[data-error]');
    const error = await page.getAttribute('body', 'data-error');
    expect(!error, `registration failed: ${error}`);
  };
  const expectSignedIn = async (username) => {
    await page.waitForSelector('body[data-state="signed-in"], body[data-error]');
    const error = await page.getAttribute('body', 'data-error');
    expect(!error, `login failed: ${error}: ${await page.textContent('#message')}`);
    expect((await page.textContent('#signed-in-user')) === username, `signed in as ${username}`);
  };

  await step('login page renders from the template; screenshot', async () => {
    await page.goto(`${server.base}/login`);
    await page.waitForSelector('body[data-ready="true"]');
    expect((await page.textContent('h1')) === 'Keystorm Demo', 'product name placeholder filled');
    await page.fill('#username', 'alice');
    await page.screenshot({ path: screenshot });
  });

  await step('unknown user is sent to register; passkey registered', async () => {
    await loginAs('alice');
    await register('alice');
    expect((await credentials()).length === 1, 'the authenticator holds one credential');
  });

  await step('login with the passkey', async () => {
    await loginAs('alice');
    await expectSignedIn('alice');
  });

  await step('logout shows the logout template', async () => {
    await page.click('#logout-link');
    await page.waitForSelector('body[data-page="logout"]');
    expect((await page.textContent('#logout-message')).includes('signed out'), 'logout message');
  });

  await step('admin reset: login demands registration again', async () => {
    const reset = await server.admin('/admin/v1/users/reset', { username: 'alice' });
    expect(reset.removed === 1, 'one credential removed');
    await forgetAllCredentials();
    await loginAs('alice');
    await register('alice');
    await loginAs('alice');
    await expectSignedIn('alice');
  });

  await step('bypass: login skips WebAuthn', async () => {
    await server.admin('/admin/v1/users/bypass', { username: 'alice', seconds: 300 });
    await loginAs('alice');
    await page.waitForSelector('#password-step:not([hidden])');
    expect(await page.getAttribute('body', 'data-action') === 'password', 'action password');
    await server.admin('/admin/v1/users/bypass/clear', { username: 'alice' });
  });

  await step('redirect rule: login goes to its target', async () => {
    writeFileSync(server.policyFile, `${BASE_POLICY}
[redirect]
allowed_urls = ["https://sso.example.com/"]

[[rule]]
id = "partners"
priority = 10
domains = ["partner.example"]
target = { url = "https://sso.example.com/start" }
`);
    await server.admin('/admin/v1/policy/reload');
    await page.route('https://sso.example.com/**', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>SSO stub</h1>' }));
    await loginAs('carol@partner.example');
    await page.waitForURL('https://sso.example.com/start');
  });

  await step('usernameless login with the resident key', async () => {
    await page.goto(`${server.base}/login`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.click('#passkey-button');
    await expectSignedIn('alice');
  });

  await step('counter regression is refused', async () => {
    const [credential] = await credentials();
    expect(credential.signCount >= 2, `authenticator counter ${credential.signCount}`);
    await cdp.send('WebAuthn.removeCredential', { authenticatorId, credentialId: credential.credentialId });
    await cdp.send('WebAuthn.addCredential', { authenticatorId, credential: { ...credential, signCount: 0 } });
    await loginAs('alice');
    await page.waitForSelector('body[data-error]');
    const error = await page.getAttribute('body', 'data-error');
    expect(error === 'sign_count_regression', `refused with ${error}`);
  });

  await step('admin and health answers match docs/openapi.yaml', async () => {
    const check = async (method, url, route, init) => {
      const r = await fetch(url, { method, ...init });
      openapi.validate(method, route, r.status, await r.json());
    };
    await check('GET', `${server.management}/health/live`, '/health/live');
    await check('GET', `${server.management}/health/ready`, '/health/ready');
    const auth = { authorization: `Bearer ${server.token}` };
    await check('GET', `${server.adminBase}/admin/v1/credentials?username=alice`, '/admin/v1/credentials',
      { headers: auth });
    await check('GET', `${server.adminBase}/admin/v1/credentials?username=alice`, '/admin/v1/credentials',
      { headers: { authorization: 'Bearer wrong' } });
    await check('POST', `${server.adminBase}/admin/v1/users/reset`, '/admin/v1/users/reset',
      { headers: auth, body: '{"username":"nobody"}' });
    await check('POST', `${server.adminBase}/admin/v1/metadata/reload`, '/admin/v1/metadata/reload',
      { headers: auth });
  });

  await step('every API answer matched docs/openapi.yaml', async () => {
    expect(schemaErrors.length === 0, schemaErrors.join('\n'));
    for (const route of ['/v1/login/start', '/v1/registration/options', '/v1/registration/verify',
      '/v1/authentication/options', '/v1/authentication/verify']) {
      expect([...openapi.checked].some((k) => k.startsWith(`POST ${route} 200`)), `${route} 200 checked`);
    }
    expect(openapi.checked.has('POST /v1/authentication/verify 401'), 'an error answer checked');
  });
} catch (error) {
  failed = true;
} finally {
  await browser.close();
  const code = await server.stop();
  if (code !== 0) {
    console.log(`keystorm serve exited with ${code}`);
    failed = true;
  }
  if (failed) console.log(`--- keystorm serve output ---\n${server.log.join('').slice(-6000)}`);
}
const passed = results.filter((r) => r.ok).length;
console.log(`browser test: ${passed} passed, ${results.length - passed} failed${failed ? ' (FAILED)' : ''}`);
process.exit(failed ? 1 : 0);
