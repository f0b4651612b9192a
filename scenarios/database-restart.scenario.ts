import { scenario } from '../harness/index.ts';
import { databaseRestart } from './definitions/database-restart.ts';

scenario(databaseRestart);
