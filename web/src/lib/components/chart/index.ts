/** Result charts per poll type, each with a data table and a polite screen-reader summary. */
export { choiceRows, formatPercent, histogramRows, type Row, summarize } from './chart-data.ts';
export { default as LiveSummary } from './LiveSummary.svelte';
export { default as ResultsChart } from './ResultsChart.svelte';
