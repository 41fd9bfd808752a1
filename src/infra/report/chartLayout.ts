import { countScale, type LinearScale } from './chartScale.js';

/**
 * Every chart over the log shares this width and these margins, so the reward chart and the timeline
 * below it put the same seq at the same place on the page.
 */
export const CHART_WIDTH = 1000;
export const PLOT_LEFT = 118;
export const PLOT_RIGHT = CHART_WIDTH - 24;

export const seqScale = (headSeq: number): LinearScale => countScale(headSeq, [PLOT_LEFT, PLOT_RIGHT]);

export const seqAxisTitle = (firstAt: string | null, lastAt: string | null) =>
  firstAt && lastAt
    ? `position in the log (seq), ${firstAt.slice(0, 16).replace('T', ' ')} to ${lastAt.slice(0, 16).replace('T', ' ')} UTC`
    : 'position in the log (seq)';
