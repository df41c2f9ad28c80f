// Renderer entry: pick the API (Electron preload or the browser bridge), make the store, render.
// Nothing here may import electron, node:* or the engine: the API is the only way out.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { CertCheckerApi } from '../shared/ipc.ts';
import { App } from './App.tsx';
import { chooseApi, isApiUnavailable } from './api-choice.ts';
import { createWebBridge } from './bridge-web.ts';
import { ApiContext, StoreContext } from './context.ts';
import { createAppStore } from './store/index.ts';
import './styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
const choice = chooseApi(window, createWebBridge);
if (isApiUnavailable(choice)) {
  console.error(choice.error);
  createRoot(container).render(<StartupError message={choice.error} />);
} else {
  startApp(container, choice);
}

function startApp(root: HTMLElement, api: CertCheckerApi): void {
  const store = createAppStore(api);
  api.onCheckEvent((event) => store.getState().handleEvent(event));
  // Electron's application menu: File > Import list…, File > Export…, Help > About.
  api.onMenu?.(({ action }) => {
    const state = store.getState();
    if (action === 'importList') void state.importList();
    else if (action === 'export') void state.exportResults('csv');
    else if (action === 'about') state.setAboutOpen(true);
  });
  createRoot(root).render(
    <StrictMode>
      <ApiContext.Provider value={api}>
        <StoreContext.Provider value={store}>
          <App />
        </StoreContext.Provider>
      </ApiContext.Provider>
    </StrictMode>,
  );
}

/** Shown instead of the app when it has no way to reach the engine. */
function StartupError({ message }: { message: string }) {
  return (
    <main className="startup-error" role="alert">
      <h1>SfB Certificate Checker cannot start</h1>
      <p>{message}</p>
    </main>
  );
}
