/**
 * Entry of the React media player example: creates the engine and renders the view.
 * Build: `npx vite build examples/react-player`; develop: `npx vite examples/react-player`.
 * @module
 */
import { createRoot } from 'react-dom/client';
import { createPlayer } from './createPlayer.js';
import { PlayerView } from './Player.js';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element to render the player into');
// One engine for the page's lifetime (created outside React, so a re-render never makes another session).
const player = createPlayer();
window.addEventListener('pagehide', () => player.dispose());
createRoot(container).render(<PlayerView player={player} />);
