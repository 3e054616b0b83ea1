// A tiny binary header parser with a planted bug, for the README's first run.
export interface Header {
  version: number;
  kind: string;
  length: number;
}

export function parseHeader(data: Uint8Array): Header {
  if (data.length < 4) throw new SyntaxError('header too short');
  if (data[0] !== 0x54 || data[1] !== 0x46) throw new SyntaxError('bad magic');
  const version = data[2];
  const kinds = ['text', 'image', 'audio'];
  const kind = kinds[data[3] % 4]; // bug: % 4 instead of % 3, so kind 3 is undefined
  const length = data.length - 4;
  return { version, kind: kind.toUpperCase(), length };
}
