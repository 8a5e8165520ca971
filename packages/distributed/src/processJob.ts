import { adjustJob } from './adjustJob.js';
import { assembleJob } from './assembleJob.js';
import { countJob, mergeVocabularyJob } from './countJobs.js';
import { discountsJob } from './discountsJob.js';
import { check } from './errors.js';
import { estimateJob } from './estimateJob.js';
import { type RunPlan, readRunJson } from './runPlan.js';
import { scoreChunkJob, scoreTotalJob } from './scoreJobs.js';
import type { ScorePlan } from './scorePlan.js';
import type { SharedStorage } from './sharedStorage.js';
import { type StupidBackoffPlan, stupidAssembleJob, stupidCountJob, stupidCountedJob, stupidReduceJob, stupidVocabularyJob } from './stupidBackoffJobs.js';
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

/** The jobs of a distributed scoring run (plan `score-plan.json`): one per chunk, and the fan-in after them. */
export const SCORE_JOBS = {
  score: (s, plan, i, signal) => scoreChunkJob(s, plan, i, signal),
  'score-total': (s, plan, i, signal) => scoreTotalJob(s, plan, i, signal),
} satisfies Record<string, (storage: SharedStorage, plan: ScorePlan, index: number, signal?: AbortSignal) => Promise<unknown>>;

/** The jobs of a distributed stupid-backoff run (its plan, `plan.json`, is a RunPlan with alpha and buckets; its first fan-in is `merge-vocabulary`). */
export const STUPID_BACKOFF_JOBS = {
  'stupid-vocabulary': (s, plan, i, signal) => stupidVocabularyJob(s, plan, i, signal),
  'stupid-count': (s, plan, i, signal) => stupidCountJob(s, plan, i, signal),
  'stupid-counted': (s, plan) => stupidCountedJob(s, plan),
  'stupid-reduce': (s, plan, i, signal) => stupidReduceJob(s, plan, i, signal),
  'stupid-assemble': (s, plan) => stupidAssembleJob(s, plan),
} satisfies Record<string, (storage: SharedStorage, plan: StupidBackoffPlan, index: number, signal?: AbortSignal) => Promise<unknown>>;

const isStupidBackoffJob = (name: string): name is keyof typeof STUPID_BACKOFF_JOBS => Object.hasOwn(STUPID_BACKOFF_JOBS, name);
const isScoreJob = (name: string): name is keyof typeof SCORE_JOBS => Object.hasOwn(SCORE_JOBS, name);

/** Runs job `name` of a run — estimation (modified Kneser-Ney or stupid backoff) or scoring — (what a worker does with each job it takes). */
export async function processJob(storage: SharedStorage, name: string, data: JobData, signal?: AbortSignal): Promise<unknown> {
  const job = check.oneOf(name, 'job.name', [...Object.keys(JOBS), ...Object.keys(SCORE_JOBS), ...Object.keys(STUPID_BACKOFF_JOBS)] as (
    | keyof typeof JOBS
    | keyof typeof SCORE_JOBS
    | keyof typeof STUPID_BACKOFF_JOBS
  )[]);
  const index = check.integer(data.index, 'job.data.index', 0);
  if (isScoreJob(job)) return SCORE_JOBS[job](storage, await readRunJson<ScorePlan>(storage, data.run, 'score-plan.json', name), index, signal);
  if (isStupidBackoffJob(job)) return STUPID_BACKOFF_JOBS[job](storage, await readRunJson<StupidBackoffPlan>(storage, data.run, 'plan.json', name), index, signal);
  const plan = await readRunJson<RunPlan>(storage, data.run, 'plan.json', name);
  return JOBS[job](storage, plan, index, signal);
}
