import { adjustJob } from './adjustJob.js';
import { assembleJob } from './assembleJob.js';
import { countJob, mergeVocabularyJob } from './countJobs.js';
import { discountsJob } from './discountsJob.js';
import { check } from './errors.js';
import { estimateJob } from './estimateJob.js';
import { type RunPlan, readRunJson } from './runPlan.js';
import type { SharedStorage } from './sharedStorage.js';
import { writeJob } from './writeJob.js';

/** The BullMQ queue the jobs go through, unless told otherwise. */
export const DEFAULT_QUEUE = 'nlpkit-ngram';

/** What every job carries: its run and its index among the jobs of its stage. */
export interface JobData {
  readonly run: string;
  readonly index: number;
}

/** The jobs of a distributed estimation, by BullMQ job name: fanned-out jobs and the fan-in job after them. */
export const JOBS = {
  count: (s, plan, i, signal) => countJob(s, plan, i, signal),
  'merge-vocabulary': (s, plan) => mergeVocabularyJob(s, plan),
  adjust: (s, plan, i, signal) => adjustJob(s, plan, i, signal),
  discounts: (s, plan) => discountsJob(s, plan),
  estimate: (s, plan, i, signal) => estimateJob(s, plan, i, signal),
  estimated: async () => ({}),
  write: (s, plan, i, signal) => writeJob(s, plan, i, signal),
  assemble: (s, plan) => assembleJob(s, plan),
} satisfies Record<string, (storage: SharedStorage, plan: RunPlan, index: number, signal?: AbortSignal) => Promise<unknown>>;

/** Runs job `name` of a run (what a worker does with each job it takes). */
export async function processJob(storage: SharedStorage, name: string, data: JobData, signal?: AbortSignal): Promise<unknown> {
  const run = check.oneOf(name, 'job.name', Object.keys(JOBS) as (keyof typeof JOBS)[]);
  const plan = await readRunJson<RunPlan>(storage, data.run, 'plan.json', name);
  return JOBS[run](storage, plan, check.integer(data.index, 'job.data.index', 0), signal);
}
