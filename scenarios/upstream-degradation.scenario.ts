import { scenario } from '../harness/index.ts';
import { upstreamDegradation } from './definitions/upstream-degradation.ts';

scenario(upstreamDegradation);
