// Entry of the check worker process (dist/electron/check-worker.cjs). The engine runs here, not in the
// main process: a bulk run keeps a core busy with certificate crypto, and the main process must stay
// free for the window, menus and IPC.
// Every run is recorded here, where the results are produced, in the data folder the app passes.
import { runChecks } from '../shared/engine/pipeline.ts';
import { recordingEngine } from '../shared/history/recording.ts';
import { portToParent, serveChecks } from './check-service.ts';

const port = portToParent();
if (!port) {
  console.error('check-worker must be started by the app (utilityProcess.fork) or by child_process.fork.');
  process.exit(2);
}
const dataDir = process.argv.find((arg) => arg.startsWith('--data-dir='))?.slice('--data-dir='.length);
serveChecks(port, dataDir ? recordingEngine(runChecks, { dataDir, source: 'app' }) : runChecks);
