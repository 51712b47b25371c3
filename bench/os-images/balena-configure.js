// Writes config.json into the boot partition of a raw image in place with balena-image-fs, the
// library behind `balena os configure`: the benchmark's peer. Usage:
//   node balena-configure.js IMAGE PARTITION_NUMBER CONFIG_JSON
'use strict';

const fs = require('fs');
const { promisify } = require('util');
const imagefs = require('balena-image-fs');

async function main() {
  const [image, partition, configPath] = process.argv.slice(2);
  if (!image || !partition || !configPath) {
    throw new Error('usage: node balena-configure.js IMAGE PARTITION_NUMBER CONFIG_JSON');
  }
  const config = fs.readFileSync(configPath);
  await imagefs.interact(image, Number(partition), async (fat) => {
    await promisify(fat.writeFile)('/config.json', config);
  });
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
