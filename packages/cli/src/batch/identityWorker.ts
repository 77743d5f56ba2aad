/** Worker thread of the identity pool (see identity.ts). */
import { parentPort } from 'node:worker_threads';
import { identitySlice, type IdentityJob } from './identity.js';

parentPort?.on('message', (m: { id: number; job: IdentityJob }) => {
  void identitySlice(m.job).then((result) => parentPort!.postMessage({ id: m.id, result }));
});
