// The async benchmark target: the trivial function inside an async callback, as an async parser
// or validator is fuzzed (each input's promise is awaited before the next input runs).
import { fuzz, bytes } from 'tsfuzz';
import { trivial } from './trivial.js';

fuzz('TrivialAsync', [bytes()], async (t, data) => {
  trivial(data);
}).add(new Uint8Array(16));
