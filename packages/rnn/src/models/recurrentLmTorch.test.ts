import { describeBackends } from '@nlpkit/tensor/testing';
import { lmLossTorchSuite } from '../../test/suites/lmLossTorch.js';

// A recurrent LM's evaluation loss against PyTorch, on every backend (also in Chromium: numericSuites.browser.test.ts).
describeBackends('recurrent LM evaluation loss against PyTorch', lmLossTorchSuite);
