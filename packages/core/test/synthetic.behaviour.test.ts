import { behaviourSuite } from './helpers/behaviour.ts';
import { syntheticFixture } from './helpers/fixtures.ts';

behaviourSuite('synthetic backend, worker thread', syntheticFixture);
