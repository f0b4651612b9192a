// report.html: the run as one self-contained page (see page.ts).
export { findChromium } from './browser.ts';
export { type Comparison, comparisonSchema, readComparison } from './comparison.ts';
export { type PageData, pageData } from './data.ts';
export { toHtml } from './page.ts';
