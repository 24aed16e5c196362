import process from 'node:process';
// The peer: snyk-docker-plugin listing the packages of each image given (sequentially).
import { scan } from 'snyk-docker-plugin';

for (const path of process.argv.slice(2)) {
  const r = await scan({ path });
  const graph = r.scanResults[0]?.facts.find((f) => f.type === 'depGraph');
  if (!graph) throw new Error(`snyk-docker-plugin found no packages in ${path}`);
}
