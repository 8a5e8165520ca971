import { Command, Help } from 'commander';
import { describe, expect, it } from 'vitest';
import { bufferIo } from '../cliIo.js';
import { createProgram } from '../program.js';
import { COMMAND_MODULES, commandNameOf } from './commandTable.js';

const help = new Help();

describe('COMMAND_MODULES (what --help lists without importing the command modules)', () => {
  it('names, terms and descriptions are what each module registers, in the same order', async () => {
    const registered = [];
    for (const module of COMMAND_MODULES) {
      const program = new Command('nlpkit');
      (await module.load())(program, bufferIo());
      registered.push(...program.commands.map((c) => ({ name: c.name(), term: help.subcommandTerm(c), description: c.description() })));
    }
    expect(registered).toEqual(COMMAND_MODULES.flatMap((m) => m.commands));
  });

  it('the help of a program with one module loaded is the help of the whole program', async () => {
    const full = (await createProgram(bufferIo())).helpInformation();
    expect((await createProgram(bufferIo(), { command: undefined })).helpInformation()).toBe(full);
    expect((await createProgram(bufferIo(), { command: 'ngram' })).helpInformation()).toBe(full);
    expect((await createProgram(bufferIo(), { command: 'ter' })).helpInformation()).toBe(full);
  });

  it('the command is the first argument that is not an option', () => {
    expect(commandNameOf(['--verbose', 'ngram', 'eval', '--model', 'm.bin'])).toBe('ngram');
    expect(commandNameOf(['--', 'bleu'])).toBe('bleu');
    expect(commandNameOf(['--version'])).toBeUndefined();
  });
});
