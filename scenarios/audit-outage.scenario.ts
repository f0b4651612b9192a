import { scenario } from '../harness/index.ts';
import { auditOutage } from './definitions/audit-outage.ts';

scenario(auditOutage);
