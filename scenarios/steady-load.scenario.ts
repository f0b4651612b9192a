import { scenario } from '../harness/index.ts';
import { steadyLoad } from './definitions/steady-load.ts';

scenario(steadyLoad);
