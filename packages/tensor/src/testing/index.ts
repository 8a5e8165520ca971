export { describeBackends, testBackends } from './describe-backends.js';
export type { DescribeBackendsOptions } from './describe-backends.js';
export { expectClose } from './expect-close.js';
export type { NestedNumbers, Numeric, Tolerance } from './expect-close.js';
