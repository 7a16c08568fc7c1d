// Stands in for `$app/environment` in vitest.
export const building = false;
export const dev = true;
export const browser = false;
export const version = 'test';
