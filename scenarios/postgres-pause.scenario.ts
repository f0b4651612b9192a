import { scenario } from '../harness/index.ts';
import { postgresPause } from './definitions/postgres-pause.ts';

scenario(postgresPause);
