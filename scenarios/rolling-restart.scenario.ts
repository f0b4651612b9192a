import { scenario } from '../harness/index.ts';
import { rollingRestart } from './definitions/rolling-restart.ts';

scenario(rollingRestart);
