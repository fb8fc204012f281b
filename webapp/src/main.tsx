import './styles.css';

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { App } from './App';
import { startAuth } from './auth';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');

startAuth()
  .then(() => {
    createRoot(root).render(
      <StrictMode>
        <App />
      </StrictMode>,
    );
  })
  .catch((error: unknown) => {
    root.textContent = `Sign-in failed: ${error instanceof Error ? error.message : String(error)}`;
  });
