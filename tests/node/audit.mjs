// The GraphQL over HTTP conformance audit (graphql-http's server audits) against a real
// Passerelle server: `node audit.mjs path/to/passerelle`.
// Every result other than "ok" fails the run: the spec's MUSTs ("error") and its SHOULDs
// ("warn") alike, so a regression in either is seen.
import { auditServer } from 'graphql-http';
import { startServer } from './server.mjs';

const server = await startServer(process.argv[2]);
let code = 1;
try {
  const results = await auditServer({ url: `${server.url}/graphql` });
  let ok = 0;
  for (const result of results) {
    if (result.status === 'ok') {
      ok += 1;
    } else {
      console.log(`${result.status.toUpperCase()}: ${result.name}\n    ${result.reason}`);
    }
  }
  console.log(`graphql-http audit: ${ok} of ${results.length} ok`);
  code = ok === results.length ? 0 : 1;
} finally {
  server.stop();
}
process.exit(code);
