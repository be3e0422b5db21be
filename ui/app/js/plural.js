// Counts in words: "1 member", "3 members" (never "1 members").

/** `n` and the noun in the right number; `many` for irregular plurals. */
export function counted(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}
