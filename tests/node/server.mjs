// Starts a real Passerelle server (`passerelle serve --demo`) on a free port in a scratch data
// folder, as the audit and the browser tests need one. The binary is the first argument given
// to the script, or PASSERELLE_BIN.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function startServer(binary = process.env.PASSERELLE_BIN) {
  if (!binary) throw new Error('name the passerelle binary (argument or PASSERELLE_BIN)');
  const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-node-'));
  const server = spawn(binary, ['serve', '--demo', '--listen', '127.0.0.1:0', '--data-dir', dataDir], {
    // The tests send many requests from one address, as a whole office would.
    env: { ...process.env, RUST_LOG: 'info', PASSERELLE_LOG_FORMAT: 'text', PASSERELLE_COST_PER_MINUTE: '0', PASSERELLE_SIGN_INS_PER_MINUTE: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = () => {
    server.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  };
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
    stop();
    throw error;
  });
  server.stdout.resume();
  return { url: `http://${address}`, stop };
}
