import { scenario } from '../harness/index.ts';
import { databaseStopped } from './definitions/database-stopped.ts';

scenario(databaseStopped);
