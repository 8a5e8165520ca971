import { config } from '@nlpkit/eslint-config';

export default config;
