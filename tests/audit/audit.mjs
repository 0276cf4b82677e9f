// The GraphQL over HTTP conformance audit (graphql-http's server audits) against a real
// Passerelle server: `node audit.mjs path/to/passerelle` starts `passerelle serve --demo` on a
// free port in a scratch folder, audits it, and stops it.
// Every result other than "ok" fails the run: the spec's MUSTs ("error") and its SHOULDs
// ("warn") alike, so a regression in either is seen.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditServer } from 'graphql-http';

const binary = process.argv[2];
if (!binary) {
  console.error('usage: node audit.mjs path/to/passerelle');
  process.exit(2);
}

const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-audit-'));
const server = spawn(binary, ['serve', '--demo', '--listen', '127.0.0.1:0', '--data-dir', dataDir], {
  env: { ...process.env, RUST_LOG: 'info', PASSERELLE_LOG_FORMAT: 'text' },
  stdio: ['ignore', 'pipe', 'inherit'],
});

function stop(code) {
  server.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(code);
}

// The server logs "listening on http://ADDRESS" once it accepts connections.
const address = await new Promise((resolve, reject) => {
  let seen = '';
  const timer = setTimeout(() => reject(new Error(`no "listening on" line within 120 s:\n${seen}`)), 120_000);
  server.stdout.on('data', (chunk) => {
    seen += chunk.toString();
    const match = seen.match(/listening on http:\/\/(\S+)/);
    if (match) {
      clearTimeout(timer);
      resolve(match[1]);
    }
  });
  server.on('exit', (code) => reject(new Error(`passerelle exited with ${code}:\n${seen}`)));
}).catch((error) => {
  console.error(error.message);
  stop(1);
});

const results = await auditServer({ url: `http://${address}/graphql` });
let ok = 0;
for (const result of results) {
  if (result.status === 'ok') {
    ok += 1;
  } else {
    console.log(`${result.status.toUpperCase()}: ${result.name}\n    ${result.reason}`);
  }
}
console.log(`graphql-http audit: ${ok} of ${results.length} ok`);
stop(ok === results.length ? 0 : 1);
