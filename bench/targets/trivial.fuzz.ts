// The benchmark target: a trivial function of a small byte array (inputs up to 64 bytes).
import { fuzz, bytes } from 'tsfuzz';
import { trivial } from './trivial.js';

fuzz('Trivial', [bytes()], (t, data) => {
  trivial(data);
}).add(new Uint8Array(16));
