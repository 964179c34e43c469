// The sharp side of the avatar benchmark: the same work as the Pillow pipeline, per input file:
// auto-orient, centre-crop to 512x512 (fit "cover"), encode JPEG q85 and WebP q80, then 128x128 from
// the 512 and encode both again. Reads one file path per line on stdin and answers with the wall-clock
// and CPU milliseconds (all threads) that file took, so the Python side can alternate engines image by
// image. Run with cwd = the folder where sharp is installed: `node avatars_sharp.mjs`.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { createInterface } from "node:readline";

const require = createRequire(join(process.cwd(), "package.json"));
const sharp = require("sharp");
sharp.cache(false); // every run decodes from scratch, like the Pillow side

async function processOnce(input) {
  const base = sharp(input, { limitInputPixels: 40_000_000, failOn: "error" })
    .rotate()
    .resize(512, 512, { fit: "cover", position: "centre" });
  const { data, info } = await base.raw().toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
  const big = sharp(data, raw);
  const small = sharp(data, raw).resize(128, 128);
  const outputs = await Promise.all([
    big.clone().jpeg({ quality: 85 }).toBuffer(),
    big.clone().webp({ quality: 80, effort: 4 }).toBuffer(),
    small.clone().jpeg({ quality: 85 }).toBuffer(),
    small.clone().webp({ quality: 80, effort: 4 }).toBuffer(),
  ]);
  return outputs.reduce((n, b) => n + b.length, 0);
}

// Read one file path per line on stdin, process it once, print wall and CPU milliseconds.
const rl = createInterface({ input: process.stdin });
for await (const line of rl) {
  const input = readFileSync(line.trim());
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  await processOnce(input);
  const used = process.cpuUsage(cpu);
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(`${wallMs.toFixed(3)} ${((used.user + used.system) / 1000).toFixed(3)}`);
}
