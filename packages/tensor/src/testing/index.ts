export { describeBackends, testBackends } from './describeBackends.js';
export type { DescribeBackendsOptions } from './describeBackends.js';
export { expectClose, expectCloseAsync } from './expectClose.js';
export type { NestedNumbers, Numeric, Tolerance } from './expectClose.js';
