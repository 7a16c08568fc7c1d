// Results are read, printed and linked from; nothing on the page runs in the browser. Without
// client-side rendering the page ships no JavaScript and no copy of its data for hydration:
// a review of hundreds of answers is sent once, as HTML.
export const csr = false;
