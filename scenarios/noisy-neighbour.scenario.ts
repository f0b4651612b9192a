import { scenario } from '../harness/index.ts';
import { noisyNeighbour } from './definitions/noisy-neighbour.ts';

scenario(noisyNeighbour);
