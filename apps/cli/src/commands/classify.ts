import { type Command } from 'commander';
import { CliError, guarded } from '../cliErrors.js';
import { readAllLines } from '../cliInput.js';
import type { CliIo } from '../cliIo.js';
import { loadModelBytes, progressEvents, runTrainCommand, type TrainFlags } from '../trainingRun.js';

/** Loads the tensor backend and a classifier artifact (tfjs is loaded only by the commands that need it). */
async function loadClassifier(path: string) {
  const [rnn, { inputFileError }] = await Promise.all([import('@nlpkit/rnn'), import('@nlpkit/core/node')]);
  return rnn.decodeTextClassifier(await loadModelBytes(path, (file, error) => inputFileError(file, error, { package: '@nlpkit/cli', argument: '--model' })));
}

const pct = (x: number | undefined): string => (x === undefined ? 'n/a' : x.toFixed(4));

/** `nlpkit classify train|eval|predict`: text classifiers (DAN, text CNN, many-to-one RNN) from `@nlpkit/rnn`. */
export function registerClassifyCommands(program: Command, io: CliIo): void {
  const classify = program.command('classify').description('text classifiers (DAN, text CNN, BiLSTM): train from a recipe, evaluate on TSV, predict labels');

  classify
    .command('train')
    .description('train from a recipe in a run folder; run it again on the same folder to resume where it stopped')
    .option('--recipe <file>', 'recipe JSON (e.g. recipes/sst2-dan.json); optional when resuming an existing --out folder')
    .requiredOption('--out <folder>', 'run folder: recipe, vocabulary, labels, checkpoint, curve.jsonl, model.safetensors, result.json')
    .option('--quiet', 'no progress on stderr')
    .action((flags: TrainFlags) =>
      guarded(io, 'classify', () =>
        runTrainCommand(
          io,
          'classify',
          flags,
          async ({ recipe, session }) => {
            const { trainClassifierRun } = await import('./classify/classifierRun.js');
            return trainClassifierRun({
              out: flags.out,
              ...recipe,
              signal: session.signal,
              onEvent: progressEvents(session, {
                step: (e) => `loss ${e.loss.toFixed(4)} | ${Math.round(e.examplesPerSecond)} examples/s | lr ${e.lr}`,
                epoch: (e) => `valid accuracy ${pct(e.validAccuracy)} macro-F1 ${pct(e.validMacroF1)}`,
              }),
            });
          },
          (r) => [r.validAccuracy !== undefined ? `valid accuracy ${pct(r.validAccuracy)}, macro-F1 ${pct(r.validMacroF1)}` : undefined, `${Math.round(r.seconds)} s`],
        ),
      ),
    );

  classify
    .command('eval')
    .description('accuracy and macro-F1 on labelled TSV (GLUE style: a "sentence<TAB>label" header)')
    .requiredOption('--model <path>', 'run folder or model.safetensors')
    .requiredOption('--input <file>', 'TSV with a sentence and a label column (- for stdin)')
    .option('--json', 'print {"accuracy", "macroF1"} (fractions)')
    .action((options: { model: string; input: string; json?: boolean }) =>
      guarded(io, 'classify', async () => {
        const model = await loadClassifier(options.model);
        try {
          const [rnn, { createClassification }] = await Promise.all([import('@nlpkit/rnn'), import('@nlpkit/metrics')]);
          const data = rnn.parseClassificationTsv((await readAllLines(options.input, io)).join('\n'), options.input === '-' ? 'stdin' : options.input);
          const labels = new Set(model.labels);
          data.labels.forEach((l, i) => {
            if (!labels.has(l)) throw new CliError(`--input example ${i + 1} has the label ${JSON.stringify(l)}, which the model does not know (labels: ${model.labels.join(', ')})`);
          });
          const predicted = await rnn.classifyTexts(model, data.texts);
          // Macro-F1 over the model's classes, as scikit-learn's f1_score(average='macro', labels=model labels).
          const scores = createClassification({ labels: model.labels }).update(data.labels, predicted.map((p) => p.label)).compute();
          const report = { accuracy: scores.accuracy, macroF1: scores.macro.f1 };
          if (options.json === true) io.stdout(`${JSON.stringify(report)}\n`);
          else io.stdout(`Accuracy:\t${report.accuracy}\nMacro-F1:\t${report.macroF1}\nExamples:\t${data.texts.length}\n`);
        } finally {
          model.dispose();
        }
      }),
    );

  classify
    .command('predict')
    .description('label texts: one per line, or a TSV with a "sentence" column header; one label per line out')
    .requiredOption('--model <path>', 'run folder or model.safetensors')
    .option('--input <file>', 'text, one per line, or TSV with a header (- for stdin)', '-')
    .option('--probability', 'print the label and its probability, tab-separated')
    .action((options: { model: string; input: string; probability?: boolean }) =>
      guarded(io, 'classify', async () => {
        const model = await loadClassifier(options.model);
        try {
          const rnn = await import('@nlpkit/rnn');
          const lines = await readAllLines(options.input, io);
          const header = (lines[0] ?? '').split('\t').map((h) => h.trim());
          const column = header.indexOf('sentence');
          const texts = column >= 0 ? lines.slice(1).filter((l) => l.trim() !== '').map((l) => l.split('\t')[column] ?? '') : lines;
          if (texts.length === 0) throw new CliError(`--input ${JSON.stringify(options.input)} holds no text`);
          const out = await rnn.classifyTexts(model, texts);
          io.stdout(out.map((p) => (options.probability === true ? `${p.label}\t${p.probability.toFixed(4)}` : p.label)).join('\n') + '\n');
        } finally {
          model.dispose();
        }
      }),
    );
}
