import { scenario } from '../harness/index.ts';
import { flagFlip } from './definitions/flag-flip.ts';

scenario(flagFlip);
