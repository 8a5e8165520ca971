import { beforeAll, expect, it } from 'vitest';

beforeAll(async () => {
  await new Promise((resolve) => setTimeout(resolve, 1500));
});

it('runs after a slow beforeAll', () => {
  expect(1 + 1).toBe(2);
});
