// Renderer entry: pick the API (Electron preload or the browser bridge), make the store, render.
// Nothing here may import electron, node:* or the engine: the API is the only way out.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { CertCheckerApi } from '../shared/ipc.ts';
import { App } from './App.tsx';
import { createWebBridge } from './bridge-web.ts';
import { ApiContext, StoreContext } from './context.ts';
import { createAppStore } from './store.ts';
import './styles.css';

const api: CertCheckerApi = window.certChecker ?? createWebBridge();
const store = createAppStore(api);
api.onCheckEvent((event) => store.getState().handleEvent(event));
// Electron's application menu: File > Import list…, File > Export…, Help > About.
api.onMenu?.(({ action }) => {
  const state = store.getState();
  if (action === 'importList') void state.importList();
  else if (action === 'export') void state.exportResults('csv');
  else if (action === 'about') state.setAboutOpen(true);
});

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
createRoot(container).render(
  <StrictMode>
    <ApiContext.Provider value={api}>
      <StoreContext.Provider value={store}>
        <App />
      </StoreContext.Provider>
    </ApiContext.Provider>
  </StrictMode>,
);
