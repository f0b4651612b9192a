import { scenario } from '../harness/index.ts';
import { databaseBlackhole } from './definitions/database-blackhole.ts';

scenario(databaseBlackhole);
