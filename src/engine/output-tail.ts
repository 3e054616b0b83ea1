/**
 * The tail of what a target printed, for failure reports: the last OUTPUT_CAP characters of a
 * stream of text. Kept per input by the execution thread (exec-thread.ts) and, for the deaths it
 * reports itself, by the worker's supervisor (worker-main.ts).
 */

/** Characters of output kept per report. */
export const OUTPUT_CAP = 64 * 1024;

export class OutputTail {
  private parts: string[] = [];
  private chars = 0;

  push(text: string): void {
    this.parts.push(text);
    this.chars += text.length;
    while (this.chars > OUTPUT_CAP && this.parts.length > 1) this.chars -= this.parts.shift()!.length;
  }

  clear(): void {
    this.parts = [];
    this.chars = 0;
  }

  /** What was kept (a longer text is cut to its last OUTPUT_CAP characters, marked '…'), and forgets it. */
  take(): string {
    const s = this.parts.join('');
    this.clear();
    return s.length > OUTPUT_CAP ? '…' + s.slice(-OUTPUT_CAP) : s;
  }
}

/** Two pieces of a report's output, on lines of their own; either may be empty. */
export function joinOutput(a: string, b: string): string {
  return [a, b].filter((s) => s.length > 0).join('\n');
}
