import { scenario } from '../harness/index.ts';
import { compoundFault } from './definitions/compound-fault.ts';

scenario(compoundFault);
