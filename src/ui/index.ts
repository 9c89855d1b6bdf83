// The local web UI: `startUi()` serves runs, comparisons, plots, traces and feedback from the store.
export { startUi, type UiOptions, type UiServer } from './server.js';
