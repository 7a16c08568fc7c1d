// Stands in for `$env/dynamic/private` in vitest: the same values, read live from the process.
export const env = process.env;
