import { scenario } from '../harness/index.ts';
import { backupRestore } from './definitions/backup-restore.ts';

scenario(backupRestore);
