import { scenario } from '../harness/index.ts';
import { targetCrash } from './definitions/target-crash.ts';

scenario(targetCrash);
