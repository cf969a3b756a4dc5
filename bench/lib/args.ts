import { parseArgs } from 'node:util';
import type { ContenderName } from './contenders.js';

export interface BenchOptions {
  tasks: number;
  concurrency: number[];
  contenders: ContenderName[];
  startupSamples: number;
  jsonOnly: boolean;
  keep: boolean;
}

const ALL: ContenderName[] = ['filesystem', 'ours', 'floor'];

function positiveInts(values: readonly string[], flag: string): number[] {
  const out = values.flatMap((v) => v.split(',')).map((v) => Number(v.trim()));
  for (const n of out)
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} takes positive integers, got "${n}"`);
  return out;
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      tasks: { type: 'string', default: '1000' },
      concurrency: { type: 'string', multiple: true },
      contenders: { type: 'string' },
      'startup-samples': { type: 'string', default: '5' },
      'json-only': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.error(
      'usage: npm run bench -- [--tasks N] [--concurrency C[,C...]] [--contenders ours,filesystem,floor]\n' +
        '                        [--startup-samples K] [--json-only] [--keep]',
    );
    process.exit(0);
  }
  const contenders = (values.contenders?.split(',').map((s) => s.trim()) ?? ALL) as ContenderName[];
  for (const c of contenders) if (!ALL.includes(c)) throw new Error(`unknown contender "${c}" (${ALL.join(', ')})`);
  return {
    tasks: positiveInts([values.tasks], '--tasks')[0] as number,
    concurrency: values.concurrency ? positiveInts(values.concurrency, '--concurrency') : [1, 8],
    contenders: ALL.filter((c) => contenders.includes(c)),
    startupSamples: positiveInts([values['startup-samples']], '--startup-samples')[0] as number,
    jsonOnly: values['json-only'],
    keep: values.keep,
  };
}
