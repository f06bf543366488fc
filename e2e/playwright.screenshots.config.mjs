// `cargo xtask screenshots`: the journeys' server and browser, but the pages photographed into
// docs/screenshots/ instead of tested (e2e/screenshots/).
import base from './playwright.config.mjs';

export default { ...base, testDir: './screenshots' };
