/**
 * Where a command writes. The executable passes the process's streams; a test passes buffers and
 * runs the very same command in-process, so the suite does not pay for a process per case.
 */
export interface Output {
  write(text: string): unknown;
  /** A terminal: colours and a live progress line are drawn only there. */
  readonly isTTY?: boolean;
}

export interface Io {
  readonly stdout: Output;
  readonly stderr: Output;
}

export const processIo: Io = { stdout: process.stdout, stderr: process.stderr };
