/**
 * The inspector page's entry: one store, connected to the runtime that served the page (or, with
 * no token in the URL, waiting for a saved trace to be opened), rendered by {@link App}.
 * @module
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { connectStore, liveUrl } from './connection.js';
import { createInspectorStore } from './inspectorStore.js';
import './style.css';

const store = createInspectorStore();
if (new URLSearchParams(location.search).has('token')) connectStore(store, liveUrl(location));
else store.reportError('no ?token= in the page URL: open the URL `mfchart inspect` prints, or open a saved trace');

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
createRoot(container).render(
  <StrictMode>
    <App store={store} />
  </StrictMode>,
);
