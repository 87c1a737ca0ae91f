/**
 * The server under Deno: every scenario (scenarios.ts) against every target
 * (targets.ts): Node's adapter through Deno's Node compatibility, the
 * Deno.serve adapter in process, and the CLI under Deno, which picks
 * Deno.serve itself. A scenario that cannot run on a target is reported as
 * ignored, with the reason.
 *
 * Needs the workspace built (`pnpm build`): the server imports
 * @servercam/core and @servercam/schema as packages.
 * @module
 */
import { makeVideo } from '../../packages/testing/src/videos.ts';
import { SCENARIOS } from './scenarios.ts';
import { TARGETS } from './targets.ts';

for (const kind of TARGETS) {
  Deno.test(`servercam on ${kind.name}, run by Deno`, async (t) => {
    // An OpenCV camera: Deno cannot load the addon, so it must fail with the reason.
    const video = makeVideo({ width: 320, height: 240, fps: 15, seconds: 1 });
    await using target = await kind.start(video);
    for (const scenario of SCENARIOS) {
      const reason = scenario.skip?.(target);
      await t.step({ name: reason ? `${scenario.name} (not here: ${reason})` : scenario.name, ignore: reason !== undefined, fn: () => scenario.run(target) });
    }
  });
}
