/**
 * The feeder in its own process (so it can be pinned apart from the viewers):
 *   node --import tsx bench/fanout/feeder-main.ts '{"audio":{"ip":..,"port":..},"video":{..},"durationMs":..}'
 * Prints its stats as one JSON line when done; SIGTERM ends it early (stats still printed).
 */
import { FEEDER_AUDIO_SSRC, FEEDER_VIDEO_SSRC, loadClip } from './clip.js';
import { Feeder, type FeederOptions } from './feeder.js';

const options = JSON.parse(process.argv[2] ?? '{}') as FeederOptions;
const feeder = await Feeder.create(loadClip({ videoSsrc: FEEDER_VIDEO_SSRC, audioSsrc: FEEDER_AUDIO_SSRC }), options);
process.once('SIGTERM', () => feeder.stop());
feeder.start();
await feeder.done;
process.stdout.write(`${JSON.stringify(feeder.stats)}\n`);
