import { expect, it } from 'vitest';
import { LINEAR_HEAD_FORMAT, parseHeadFile, VOXEL_HEAD_FORMAT } from './headFile.ts';
import { createLinearHead } from './linearHead.ts';
import { createMlpHead, mlpToJSON } from './mlpHead.ts';

const linear = () => ({ format: LINEAR_HEAD_FORMAT, task: 'regions', channels: ['WT', 'TC', 'ET'], settings: { epochs: 5 }, head: createLinearHead(4, 3, 1).toJSON() });
const voxel = () => ({ format: VOXEL_HEAD_FORMAT, task: 'binary', channels: ['lesion'], settings: {}, inputs: ['flair:z', 'brain:depth'], head: mlpToJSON(createMlpHead(2, [4], 1, 1)) });

it('reads back what the studio writes, for both kinds of head', () => {
  for (const doc of [linear(), voxel()]) expect(parseHeadFile(JSON.stringify(doc))).toEqual(JSON.parse(JSON.stringify(doc)));
});

it('names the field that is wrong, and refuses foreign, newer and broken files', () => {
  const { weights: _, ...noWeights } = linear().head;
  expect(() => parseHeadFile(JSON.stringify({ ...linear(), head: noWeights }))).toThrow(`the head file's "head.weights" is not what a linear head holds`);
  expect(() => parseHeadFile(JSON.stringify({ ...linear(), task: 'tumour' }))).toThrow(`the head file's "task" is not what a linear head holds`);
  const layers = voxel().head.layers;
  expect(() => parseHeadFile(JSON.stringify({ ...voxel(), head: { ...voxel().head, layers: [{ ...layers[0], w: ['0.1'] }] } }))).toThrow(`"head.layers.0.w.0" is not what a voxel head holds`);
  expect(() => parseHeadFile(JSON.stringify({ ...linear(), format: 'dino-seg-studio/linear-head@2' }))).toThrow('written by a newer version of the studio (linear-head@2); this one reads linear-head@1');
  expect(() => parseHeadFile(JSON.stringify({ format: 'peft' }))).toThrow('not a head saved by the studio');
  expect(() => parseHeadFile('{"format": "dino-seg-studio/linear-head@1", ')).toThrow('the file is not JSON');
});
