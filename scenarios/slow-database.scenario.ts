import { scenario } from '../harness/index.ts';
import { slowDatabase } from './definitions/slow-database.ts';

scenario(slowDatabase);
