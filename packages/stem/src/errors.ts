import { validators } from '@nlpkit/core';

/** The name every error of this package starts with. */
export const PKG = '@nlpkit/stem';

/** Argument checks that throw `@nlpkit/core` errors in the common message style. */
export const check = validators(PKG);
