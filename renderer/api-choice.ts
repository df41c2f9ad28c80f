// Which API the page talks to: the Electron preload's window.certChecker, or the browser bridge over
// HTTP to `npm run web`. Only a page served over http(s) may use the bridge: in the desktop app (app://)
// a missing preload is a broken install, and the page says so instead of trying HTTP that cannot answer.
import type { CertCheckerApi } from '../shared/ipc.ts';

export interface ApiUnavailable {
  error: string;
}

export function chooseApi(page: { certChecker?: CertCheckerApi; location: { protocol: string } }, webBridge: () => CertCheckerApi): CertCheckerApi | ApiUnavailable {
  if (page.certChecker) return page.certChecker;
  if (page.location.protocol === 'http:' || page.location.protocol === 'https:') return webBridge();
  return {
    error:
      "The app's connection to its checker did not load (window.certChecker is missing: the preload script failed). " +
      'Nothing can be checked. Reinstall the app; if this persists, report it with the app version.',
  };
}

export function isApiUnavailable(choice: CertCheckerApi | ApiUnavailable): choice is ApiUnavailable {
  return 'error' in choice && typeof choice.error === 'string';
}
