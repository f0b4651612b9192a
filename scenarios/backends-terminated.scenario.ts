import { scenario } from '../harness/index.ts';
import { backendsTerminated } from './definitions/backends-terminated.ts';

scenario(backendsTerminated);
