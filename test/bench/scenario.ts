/** What every scenario is, and the bits of reporting they share. */
import type { InteractionHandle, StandInInteraction } from '../stand-ins/discord.js';
import type { Measurement } from './report.js';
import type { StageResult } from './stage.js';

/** Run-wide settings from the command line. */
export interface Settings {
  /** Divides the delivery scenarios' (lag, webhook) generation durations and the bot's poll interval. */
  readonly timeScale: number;
}

/** One measurement, run on its own fresh stage (stand-ins, bot process, store). */
export interface Scenario {
  /** What `--only` names it by. */
  readonly id: string;
  readonly title: string;
  run(settings: Settings): Promise<Measurement>;
}

/** The scenario's figures and notes, with its stages' bot logs and shutdown remarks added. */
export function withLog(
  results: StageResult<unknown> | readonly StageResult<unknown>[],
  measured: Omit<Measurement, 'botLog'>,
): Measurement {
  const stages = Array.isArray(results) ? results : [results];
  return {
    ...measured,
    notes: [...measured.notes, ...stages.flatMap((stage) => stage.shutdown)],
    botLog: stages.flatMap((stage) => stage.log),
  };
}

/** When the first of a batch went out (stand-in clock). */
export function firstDispatch(handles: readonly InteractionHandle<StandInInteraction>[]): number {
  return Math.min(...handles.map((handle) => handle.dispatchedAt));
}

/** How long the stand-in took to send a whole batch out. */
export function dispatchSpread(handles: readonly InteractionHandle<StandInInteraction>[]): number {
  return Math.max(...handles.map((handle) => handle.dispatchedAt)) - firstDispatch(handles);
}

/** A note for acknowledgements Discord would have refused, if there were any. */
export function lateAcks(refused: number, total: number): string[] {
  return refused === 0 ? [] : [`${refused} of ${total} acknowledgements came after Discord's 3-second window`];
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
