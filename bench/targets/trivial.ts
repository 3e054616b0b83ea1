// Shared by the tsfuzz target and the bare loop, so both call exactly the same function.
export let sink = 0;
export function trivial(data: Uint8Array): void {
  if (data.length > 3 && data[0] === 0x21) sink++;
  else sink ^= data.length;
}
