// The per-user data folder every shell shares (trusted roots, the history file): Electron's userData
// folder for this app's name, which SFB_USER_DATA_DIR (or `--data-dir`) moves.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The folder Electron's app.getPath('userData') gives an app of this name, unless SFB_USER_DATA_DIR says otherwise. */
export function userDataDir(appName: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.SFB_USER_DATA_DIR) return env.SFB_USER_DATA_DIR;
  const appData =
    process.platform === 'win32'
      ? env.APPDATA ?? join(homedir(), 'AppData', 'Roaming')
      : process.platform === 'darwin'
        ? join(homedir(), 'Library', 'Application Support')
        : env.XDG_CONFIG_HOME ?? join(homedir(), '.config');
  return join(appData, appName);
}
