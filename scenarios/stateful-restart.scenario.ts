import { scenario } from '../harness/index.ts';
import { statefulRestart } from './definitions/stateful-restart.ts';

scenario(statefulRestart);
