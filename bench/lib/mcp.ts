import { readFile } from 'node:fs/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** How to start one MCP server over stdio. */
export interface ServerCommand {
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
}

export interface Connected {
  client: Client;
  transport: StdioClientTransport;
  pid: number;
  /** spawn → first `tools/list` answered, in ms. */
  startupMs: number;
  /** The last few KB of the server's stderr, for error reports. */
  stderrTail: () => string;
}

/**
 * Spawns the server, connects a real SDK `Client` and lists its tools. The clock starts before the spawn
 * (`connect` starts the transport, which spawns) and stops when `tools/list` is answered.
 */
export async function connect(server: ServerCommand): Promise<Connected> {
  const transport = new StdioClientTransport({
    command: server.command,
    args: server.args,
    env: { ...getDefaultEnvironment(), ...server.env },
    cwd: server.cwd,
    stderr: 'pipe',
  });
  let tail = '';
  // Why drain: an unread stderr pipe fills (64 KB) and then blocks the server.
  transport.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4096);
  });
  const client = new Client({ name: 'ai-employee-bench', version: '0.1.0' });
  const started = performance.now();
  await client.connect(transport);
  await client.listTools();
  const startupMs = performance.now() - started;
  const pid = transport.pid;
  if (pid === null) throw new Error('the transport did not report a pid');
  return { client, transport, pid, startupMs, stderrTail: () => tail };
}

/** Median-worthy startup samples: spawn, list tools, close; `count` times. */
export async function startupSamples(server: ServerCommand, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const c = await connect(server);
    samples.push(c.startupMs);
    await c.client.close();
  }
  return samples;
}

/** Resident set size (and its peak) of a process, in MB, from /proc/<pid>/status. */
export async function rssOf(pid: number): Promise<{ rssMb: number; peakMb: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** CPU time (user + system) a process has used so far, in ms, from /proc/<pid>/stat (10 ms ticks). */
export async function cpuMsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat(5) (utime, stime) are at 11 and 12 after the command name.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Calls a tool and fails loudly on an error result: a failing contender must not report fast numbers. */
export async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (result.isError) {
    const text = result.content.map((c) => (c.type === 'text' ? c.text : `[${c.type}]`)).join(' ');
    throw new Error(`${name} failed: ${text}`);
  }
  return result;
}
