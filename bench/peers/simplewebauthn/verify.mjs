// SimpleWebAuthn (@simplewebauthn/server, version pinned in package-lock.json)
// verifying exported corpus logins (`keystorm corpus export`), one after the
// other on one thread, as a relying party would call it.  Stored keys are
// decoded from base64url once per credential before timing.
//
// Unsupported (left to the caller by the library, so not counted):
//   replayed_challenge  no challenge ledger;
//   unknown_credential  the caller looks the credential up and passes it in.
//
// Usage: node verify.mjs LOGINS.jsonl  -> one JSON object on stdout; exit 1
// on any mismatch.
import { readFileSync } from 'node:fs';
import { verifyAuthenticationResponse } from '@simplewebauthn/server';

const UNSUPPORTED = new Set(['replayed_challenge', 'unknown_credential']);

// The library throws Errors; each message prefix is one check.
const MESSAGES = [
  ['Unexpected authentication response type', 'type_mismatch'],
  ['Unexpected authentication response challenge', 'challenge_mismatch'],
  ['Unexpected authentication response origin', 'origin_mismatch'],
  ['Credential response authenticatorData was not a base64url', 'malformed_request'],
  ['Credential response signature was not a base64url', 'malformed_request'],
  ['Credential ID was not base64url-encoded', 'malformed_request'],
  ['Unexpected RP ID hash', 'rp_id_mismatch'],
  ['User not present', 'user_not_present'],
  ['User verification required', 'user_not_verified'],
  ['Response counter value', 'sign_count_regression'],
];

function classify(error) {
  const text = String(error && error.message ? error.message : error);
  for (const [prefix, code] of MESSAGES) {
    if (text.startsWith(prefix)) return code;
  }
  return 'unclassified: ' + text;
}

function fromBase64Url(text) {
  return new Uint8Array(Buffer.from(text, 'base64url'));
}

async function verify(login, keys) {
  let response;
  try {
    response = JSON.parse(login.response_json);
  } catch {
    return 'malformed_request';
  }
  const cred = login.credential;
  try {
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: login.challenge,
      expectedOrigin: login.origin,
      expectedRPID: login.rpId,
      credential: { id: cred.id, publicKey: keys.get(cred.id), counter: cred.signCount },
      requireUserVerification: login.userVerificationRequired,
    });
    return result.verified ? 'ok' : 'signature_invalid';
  } catch (error) {
    return classify(error);
  }
}

async function main() {
  const lines = readFileSync(process.argv[2], 'utf8').split('\n').filter((l) => l.length > 0);
  const keys = new Map();
  const logins = [];
  let unsupported = 0;
  for (const line of lines) {
    const login = JSON.parse(line);
    if (UNSUPPORTED.has(login.fault)) {
      unsupported += 1;
      continue;
    }
    if (!keys.has(login.credential.id)) {
      keys.set(login.credential.id, fromBase64Url(login.credential.publicKey));
    }
    logins.push(login);
  }
  for (const login of logins.slice(0, 200)) await verify(login, keys);  // warm-up (JIT)
  const wall0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const verdicts = [];
  for (const login of logins) verdicts.push(await verify(login, keys));
  const wall = Number(process.hrtime.bigint() - wall0) / 1e9;
  const cpuUsed = process.cpuUsage(cpu0);
  const cpu = (cpuUsed.user + cpuUsed.system) / 1e6;
  const counts = {};
  const mismatches = [];
  logins.forEach((login, i) => {
    const got = verdicts[i];
    counts[got] = (counts[got] || 0) + 1;
    if (got !== login.expected) {
      mismatches.push({ index: login.index, fault: login.fault, expected: login.expected, got });
    }
  });
  const packageUrl = new URL('./node_modules/@simplewebauthn/server/package.json', import.meta.url);
  const version = JSON.parse(readFileSync(packageUrl, 'utf8')).version;
  console.log(JSON.stringify({
    peer: 'SimpleWebAuthn',
    version,
    runtime: 'node ' + process.versions.node,
    supported: logins.length,
    unsupported,
    mismatches: mismatches.length,
    mismatch_list: mismatches.slice(0, 20),
    verdicts: counts,
    wall_s: wall,
    cpu_s: cpu,
    per_s: logins.length / wall,
    per_cpu_s: cpu > 0 ? logins.length / cpu : 0,
  }));
  process.exitCode = mismatches.length ? 1 : 0;
}

main();
