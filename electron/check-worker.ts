// Entry of the check worker process (dist/electron/check-worker.cjs). The engine runs here, not in the
// main process: a bulk run keeps a core busy with certificate crypto, and the main process must stay
// free for the window, menus and IPC.
import { portToParent, serveChecks } from './check-service.ts';

const port = portToParent();
if (!port) {
  console.error('check-worker must be started by the app (utilityProcess.fork) or by child_process.fork.');
  process.exit(2);
}
serveChecks(port);
