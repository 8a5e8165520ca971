import * as tf from '@tensorflow/tfjs-core';
import type { BackendSelection } from '@nlpkit/tensor';
import { BACKEND_NAMES, defaultOrder } from '@nlpkit/tensor';
import { el, panelBody } from './dom.js';
import type { SyncReads } from './syncReads.js';

/**
 * Panel 1: which backend `initBackend` chose and why — every candidate it tried, in order, with the reason it was
 * taken or passed over — and links that put another backend first.
 */
export function showBackend(selection: BackendSelection, syncReads: SyncReads): void {
  const body = panelBody('panel-backend');
  const chosen = selection.tried.find((t) => t.ok);
  body.append(
    el('p', {}, 'Running on ', el('strong', { 'data-testid': 'backend-name', text: selection.name }), ` (tfjs backend "${tf.getBackend()}")`, chosen === undefined ? '' : `: ${chosen.reason}.`),
  );
  const rows = selection.tried.map((t) =>
    el('tr', { class: t.ok ? 'ok' : 'skipped' }, el('td', { text: t.name }), el('td', { text: t.ok ? 'chosen' : 'passed over' }), el('td', { text: t.reason })),
  );
  // Selection stops at the first backend that starts; the slower ones after it are listed as not tried.
  const tried = new Set(selection.tried.map((t) => t.name));
  for (const name of defaultOrder('browser').filter((n) => !tried.has(n))) {
    rows.push(el('tr', { class: 'untried' }, el('td', { text: name }), el('td', { text: 'not tried' }), el('td', { text: `${selection.name} started first` })));
  }
  body.append(
    el('table', { 'data-testid': 'backend-tried' }, el('thead', {}, el('tr', {}, el('th', { text: 'candidate' }), el('th', { text: 'result' }), el('th', { text: 'why' }))), el('tbody', {}, ...rows)),
  );
  if (syncReads.reason !== undefined) {
    body.append(el('p', { class: 'hint', 'data-testid': 'backend-sync' }, `Models used synchronously (next-word scores, tagging) run on ${syncReads.backend}: ${syncReads.reason}.`));
  }
  const links = BACKEND_NAMES.filter((n) => n !== 'tfjs-node' && n !== 'tfjs-node-gpu').map((n) => el('a', { href: `?backend=${n}`, text: n }));
  const prefer = el('p', { class: 'hint' }, 'Try another first: ');
  links.forEach((link, i) => prefer.append(...(i > 0 ? [' · ', link] : [link])));
  prefer.append(' (asked for by name, WebGPU accepts a software adapter too).');
  body.append(prefer);
}

/** Panel 1 when no backend starts at all: the error lists every candidate and why it failed. */
export function showBackendFailure(error: unknown): void {
  const body = panelBody('panel-backend');
  body.append(el('pre', { class: 'error', 'data-testid': 'backend-error', text: error instanceof Error ? error.message : String(error) }));
}
