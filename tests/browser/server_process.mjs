// Starts `keystorm serve` on the given local ports with a fresh data folder and
// a policy file the test may rewrite, and stops it again.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const BASE_POLICY = `format = 1

[webauthn]
default = "required"
`;

export async function startServer({ binary, ports }) {
  const dir = mkdtempSync(path.join(tmpdir(), 'keystorm-browser-'));
  const policyFile = path.join(dir, 'policy.toml');
  writeFileSync(policyFile, BASE_POLICY);
  const configFile = path.join(dir, 'keystorm.toml');
  writeFileSync(configFile, `[server]
public_listen = "127.0.0.1:${ports.public}"
admin_listen = "127.0.0.1:${ports.admin}"
management_listen = "127.0.0.1:${ports.management}"
product_name = "Keystorm Demo"
data_dir = "${path.join(dir, 'data')}"

[webauthn]
rp_id = "localhost"
origins = ["http://localhost:${ports.public}"]

[policy]
file = "${policyFile}"
`);
  const child = spawn(binary, ['serve', '--config', configFile, '--drain-seconds', '2'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = [];
  child.stdout.on('data', (d) => log.push(d.toString()));
  child.stderr.on('data', (d) => log.push(d.toString()));
  const base = `http://localhost:${ports.public}`;
  const management = `http://127.0.0.1:${ports.management}`;
  const deadline = Date.now() + 20000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`keystorm serve exited:\n${log.join('')}`);
    try {
      const r = await fetch(`${management}/health/ready`);
      if (r.status === 200) break;
    } catch (_) { /* not up yet */ }
    if (Date.now() > deadline) throw new Error(`keystorm serve not ready:\n${log.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const token = readFileSync(path.join(dir, 'data', 'admin.token'), 'utf8').trim();
  const admin = async (route, body) => {
    const r = await fetch(`http://127.0.0.1:${ports.admin}${route}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body || {}),
    });
    const data = await r.json();
    if (r.status !== 200) throw new Error(`admin ${route}: ${r.status} ${JSON.stringify(data)}`);
    return data;
  };
  const stop = async () => {
    if (child.exitCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  };
  return { base, management, adminBase: `http://127.0.0.1:${ports.admin}`, token, admin, policyFile, dir, log, stop };
}
