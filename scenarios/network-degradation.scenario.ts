import { scenario } from '../harness/index.ts';
import { networkDegradation } from './definitions/network-degradation.ts';

scenario(networkDegradation);
