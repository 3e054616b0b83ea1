import { fuzz, bytes } from 'tsfuzz';
import { parseHeader } from './parse-header.js';

// Every input is parsed; SyntaxError is how the parser rejects bad input, so it is expected.
fuzz('ParseHeader', [bytes()], (t, data) => {
  const h = parseHeader(data);
  t.assert(h.length === data.length - 4, 'length mismatch');
})
  .add(new TextEncoder().encode('TF\x01\x00hello'))
  .expect(SyntaxError);
