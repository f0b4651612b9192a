import { scenario } from '../harness/index.ts';
import { loadSurge } from './definitions/load-surge.ts';

scenario(loadSurge);
