/** The CLI's own output to a human. Only the CLI writes to stdout (stdout is the MCP channel in stdio mode). */
export function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

export function warn(line: string): void {
  process.stderr.write(`${line}\n`);
}
