import { scenario } from '../harness/index.ts';
import { statefulKillOne } from './definitions/stateful-kill-one.ts';

scenario(statefulKillOne);
