/**
 * Collects the `mappings` of an output assembled from one original text (edits.ts), encoded at the
 * end by @jridgewell/sourcemap-codec (sourcemap.ts): pieces of the
 * original copied verbatim and in order, inserted text, and replaced ranges. Segments: original
 * text gets one at the start of every line, word and punctuation character (whitespace none) —
 * magic-string's `hires: 'boundary'`, every position a stack frame can name — a replaced range
 * one at its start, inserted text none.
 *
 * Identity mode (for output whose original is the loaded file itself: JavaScript, and TypeScript
 * stripped in place): wherever an output position equals its original position (same line and
 * column; on a line, the text before its first insertion, since insertions add no lines), the
 * map says "unmapped" with one 1-field segment instead of a segment per token, and a stack trace
 * (Node's `--enable-source-maps`) prints the frame's own position, which is the original one.
 * On typescript.js only ~25% of the text then needs per-token segments. Inserted text that ends
 * such a run gets a segment at its insertion point, so a frame inside it is not left unmapped.
 * Rule: every position a frame can name resolves to its original line and column; line breaks
 * are V8's (LF, CR not before LF, U+2028, U+2029).
 */
import { encodeChunk, type ChunkCarry, type SourceMapSegment } from './sourcemap.js';

/** Generated lines encoded at a time. */
const CHUNK_LINES = 1024;

export class MappingWriter {
  // Segments are encoded a chunk of lines at a time and their arrays reused for the next chunk:
  // a 9 MB file has ~800k of them, and keeping them all until one encode at the end cost ~0.3 s
  // (allocation and garbage collection) on typescript.js.
  /** The encoded chunks so far. */
  private readonly parts: string[] = [];
  private readonly carry: ChunkCarry = { started: false, line: 0, col: 0 };
  /** Line arrays (reused): lines[0..nLines) are the chunk's finished lines, `line` = lines[nLines]. */
  private readonly lines: SourceMapSegment[][] = [[]];
  private nLines = 0;
  private line: SourceMapSegment[] = this.lines[0];
  /** Segment arrays (reused): 4-field and 1-field ones, the first used4/used1 taken in this chunk. */
  private readonly pool4: [number, number, number, number][] = [];
  private used4 = 0;
  private readonly pool1: [number][] = [];
  private used1 = 0;
  private genLine = 0;
  private genCol = 0;
  private srcLine = 0;
  private srcCol = 0;
  /** The line's last segment is a 1-field ("unmapped") one. */
  private unmapped = false;
  /** Only LF (or CR LF) ends lines in the original, so line ends can be found with indexOf. */
  private readonly lfOnly: boolean;
  /** Offset of the next LF at or after the last search (lfOnly), or src.length. */
  private nextLf = -1;

  /** `identity`: the output replaces the original file (see above); false maps every token. */
  constructor(
    private readonly src: string,
    private readonly identity: boolean,
  ) {
    this.lfOnly = !/\r(?!\n)|[\u2028\u2029]/.test(src);
  }

  private mapped(): void {
    let s = this.pool4[this.used4];
    if (s === undefined) s = this.pool4[this.used4] = [0, 0, 0, 0];
    this.used4++;
    s[0] = this.genCol;
    s[2] = this.srcLine;
    s[3] = this.srcCol;
    this.line.push(s);
    this.unmapped = false;
  }

  private unmappedSegment(): void {
    let s = this.pool1[this.used1];
    if (s === undefined) s = this.pool1[this.used1] = [0];
    this.used1++;
    s[0] = this.genCol;
    this.line.push(s);
    this.unmapped = true;
  }

  /** Output position equals original position (identity mode only). */
  private same(): boolean {
    return this.identity && this.genCol === this.srcCol && this.genLine === this.srcLine;
  }

  private newGenLine(): void {
    if (++this.nLines === CHUNK_LINES) this.flush(this.nLines);
    this.line = this.lines[this.nLines] ??= [];
    this.line.length = 0;
    this.genLine++;
    this.genCol = 0;
    this.unmapped = false;
  }

  /** Advances the generated position over `text` (no segments). */
  private advance(text: string): void {
    let nl = text.indexOf('\n');
    if (nl < 0) {
      this.genCol += text.length;
      return;
    }
    let last = nl;
    while (nl >= 0) {
      this.newGenLine();
      last = nl;
      nl = text.indexOf('\n', nl + 1);
    }
    this.genCol = text.length - last - 1;
  }

  /** Generated text with no original position. */
  inserted(text: string): void {
    if (text.length === 0) return;
    if (this.same()) this.mapped();
    this.advance(text);
  }

  /** `n` generated characters with no original position and no line break. */
  insertedChars(n: number): void {
    if (n === 0) return;
    if (this.same()) this.mapped();
    this.genCol += n;
  }

  /** Original [from, to) replaced by `text`: one segment at its start. */
  replaced(from: number, to: number, text: string): void {
    if (text.length > 0) this.mapped();
    this.advance(text);
    const src = this.src;
    for (let i = from; i < to; i++) {
      if (isLineBreak(src.charCodeAt(i), src, i)) {
        this.srcLine++;
        this.srcCol = 0;
      } else {
        this.srcCol++;
      }
    }
  }

  /** Original text [from, to) copied verbatim. */
  original(from: number, to: number): void {
    const src = this.src;
    let i = from;
    let first = true; // a piece's first character gets a segment: inserted text may precede it
    while (i < to) {
      if (this.same()) {
        if (!this.unmapped) this.unmappedSegment();
        const br = this.lineBreak(i, to);
        const end = br < 0 ? to : br;
        this.genCol += end - i;
        this.srcCol += end - i;
        if (br < 0) return;
        this.breakLine();
        i = br + 1;
        first = true;
        continue;
      }
      let inWord = false;
      for (; i < to; i++) {
        const c = src.charCodeAt(i);
        if (isLineBreak(c, src, i)) {
          this.breakLine();
          i++;
          first = true;
          break;
        }
        const word = isWordChar(c);
        if (first || (word ? !inWord : c !== 32 && c !== 9)) this.mapped();
        inWord = word;
        first = false;
        this.srcCol++;
        this.genCol++;
      }
    }
  }

  private breakLine(): void {
    this.newGenLine();
    this.srcLine++;
    this.srcCol = 0;
  }

  /** Offset of the first line break in [from, to), or -1. */
  private lineBreak(from: number, to: number): number {
    const src = this.src;
    if (this.lfOnly) {
      if (this.nextLf < from) {
        const n = src.indexOf('\n', from);
        this.nextLf = n < 0 ? src.length : n;
      }
      return this.nextLf < to ? this.nextLf : -1;
    }
    for (let i = from; i < to; i++) if (isLineBreak(src.charCodeAt(i), src, i)) return i;
    return -1;
  }

  /**
   * The encoded `mappings` in pieces that joined with ';' make the whole (a 9 MB file's is ~4 MB:
   * sourcemap.ts writes it out without joining). Call once, at the end.
   */
  finish(): string[] {
    // Node (20, at least) misreads a 1-field segment at the very end of `mappings` (it goes on
    // decoding source fields past the end): close the line, an empty line after it is harmless.
    if (this.unmapped && this.line.length > 0) this.newGenLine();
    this.flush(this.nLines + 1);
    return this.parts;
  }

  /** Encodes the chunk's first n lines and frees its arrays for reuse. */
  private flush(n: number): void {
    this.parts.push(encodeChunk(this.lines.slice(0, n), this.carry));
    this.nLines = 0;
    this.used4 = 0;
    this.used1 = 0;
  }
}

/** V8's line terminators (a lone CR, LS and PS too), with CR LF counted once, at the LF. */
function isLineBreak(c: number, src: string, i: number): boolean {
  return c === 10 || c === 0x2028 || c === 0x2029 || (c === 13 && src.charCodeAt(i + 1) !== 10);
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c > 127;
}
