/**
 * The H.264 parsers on real ffmpeg output: Annex-B splitting into NAL units
 * and access units, the SPS (codec string, size), avcC building and reading,
 * AVCC ↔ Annex B, and the FLV reader the encoder's output goes through.
 */
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  accessUnits,
  avccToAnnexB,
  buildAvcc,
  FlvVideoReader,
  isKeyframe,
  NalType,
  nalType,
  parseAvcc,
  parseSps,
  splitAnnexB,
  splitAvcc,
  toAvcc,
} from '@servercam/core';
import { rateControl } from '../src/capture/video-encoder.ts';
import { ffmpegBytes, h264Stream, probe } from './helpers/h264.ts';
import { tempPath } from './helpers/media.ts';

const stream = h264Stream(320, 240, 30, 10);
const file = tempPath('unit-320x240.h264');
writeFileSync(file, stream);
const probed = probe(file);

describe('Annex B', () => {
  it('splits a real stream into as many access units as ffprobe counts frames, keyframes where the GOP says', () => {
    const units = accessUnits(splitAnnexB(stream));
    expect(units.length).toBe(Number(probed.nb_read_frames));
    expect(units.map((unit, i) => (isKeyframe(unit) ? i : -1)).filter((i) => i >= 0)).toEqual([0, 10, 20]);
  });

  it('cuts pictures of several slices as one access unit each', () => {
    const sliced = h264Stream(320, 240, 12, 6, ['-x264-params', 'slices=4']);
    const units = accessUnits(splitAnnexB(sliced));
    expect(units.length).toBe(12);
    expect(units[1]!.filter((nal) => nalType(nal) === NalType.Slice)).toHaveLength(4);
  });

  it('round-trips AVCC and Annex B', () => {
    const units = accessUnits(splitAnnexB(stream));
    for (const unit of units.slice(0, 5)) {
      const avcc = toAvcc(unit);
      expect(splitAvcc(avcc)).toEqual(unit);
      expect(splitAnnexB(avccToAnnexB(avcc))).toEqual(unit);
    }
  });

  it('rejects an AVCC length that runs past the end', () => {
    expect(() => splitAvcc(Uint8Array.of(0, 0, 0, 9, 0x65, 1))).toThrow(RangeError);
  });
});

describe('SPS and avcC', () => {
  const nals = splitAnnexB(stream);
  const sps = nals.find((nal) => nalType(nal) === NalType.Sps)!;
  const pps = nals.find((nal) => nalType(nal) === NalType.Pps)!;

  it('reads the profile, level and size ffprobe reports', () => {
    const info = parseSps(sps);
    expect(probed.profile).toBe('High');
    expect(info.profileIdc).toBe(100);
    expect(info.levelIdc).toBe(probed.level);
    expect({ width: info.width, height: info.height }).toEqual({ width: probed.width, height: probed.height });
    expect(info.codec).toBe(`avc1.64${sps[2]!.toString(16).padStart(2, '0')}${probed.level.toString(16).padStart(2, '0')}`);
  });

  it('reads a cropped size (1280x720 is coded as 1280x736)', () => {
    const hd = h264Stream(1280, 720, 1, 1);
    const info = parseSps(splitAnnexB(hd).find((nal) => nalType(nal) === NalType.Sps)!);
    expect({ width: info.width, height: info.height }).toEqual({ width: 1280, height: 720 });
  });

  it('reads a Baseline SPS', () => {
    const baseline = h264Stream(176, 144, 1, 1, ['-profile:v', 'baseline']);
    const info = parseSps(splitAnnexB(baseline).find((nal) => nalType(nal) === NalType.Sps)!);
    expect(info).toMatchObject({ profileIdc: 66, width: 176, height: 144 });
    expect(info.codec.startsWith('avc1.42')).toBe(true);
  });

  it('builds an avcC record that reads back, and equals the one ffmpeg writes but for its High-profile extension', () => {
    const record = buildAvcc([sps], [pps]);
    expect(parseAvcc(record)).toMatchObject({ profileIdc: 100, levelIdc: sps[3], lengthSize: 4, sps: [sps], pps: [pps] });
    // ffmpeg's FLV sequence header is the record of the same stream (as in an MP4).
    const flv = ffmpegBytes(['-i', file, '-c', 'copy', '-f', 'flv']);
    const config = new FlvVideoReader().push(flv).find((tag) => tag.kind === 'config');
    const written = config?.kind === 'config' ? config.avcc : new Uint8Array();
    // After the PPS list ffmpeg adds the High-profile extension (4:2:0, 8-bit, no SPS extension), which buildAvcc leaves out.
    expect(Buffer.from(written)).toEqual(Buffer.concat([record, Uint8Array.of(0xfd, 0xf8, 0xf8, 0x00)]));
    expect(parseAvcc(written)).toEqual(parseAvcc(record));
  });
});

describe('FLV reader', () => {
  it('gives the sequence header, then every picture in AVCC layout, however the bytes are cut', () => {
    const flv = ffmpegBytes(['-i', file, '-c', 'copy', '-f', 'flv']);
    const reader = new FlvVideoReader();
    const tags = [];
    // Cut the stream into pieces of 1 to 700 bytes, as a pipe may.
    let seed = 7;
    for (let at = 0; at < flv.length;) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const size = 1 + (seed % 700);
      tags.push(...reader.push(flv.subarray(at, at + size)));
      at += size;
    }
    expect(tags[0]?.kind).toBe('config');
    const pictures = tags.filter((tag) => tag.kind === 'picture');
    expect(pictures).toHaveLength(Number(probed.nb_read_frames));
    const units = accessUnits(splitAnnexB(stream));
    pictures.forEach((picture, i) => {
      const inBand = units[i]!.filter((nal) => ![NalType.Sps, NalType.Pps, NalType.Aud].includes(nalType(nal) as 7 | 8 | 9));
      expect(picture.kind === 'picture' && splitAvcc(picture.data).filter((nal) => ![NalType.Sps, NalType.Pps, NalType.Aud].includes(nalType(nal) as 7 | 8 | 9))).toEqual(inBand);
      expect(picture.kind === 'picture' && picture.keyframe).toBe(isKeyframe(units[i]!));
    });
  });

  it('refuses a stream that is not FLV', () => {
    expect(() => new FlvVideoReader().push(stream.subarray(0, 64))).toThrow(/not FLV/);
  });
});

describe('rateControl', () => {
  it('maps quality to CRF: 18 + (100 − quality) / 2, within 18–51', () => {
    const crf = (quality: number) => rateControl(quality, 640, 480, 25).crf;
    expect(crf(80)).toBe(28);
    expect(crf(100)).toBe(18);
    expect(crf(75)).toBe(31); // 30.5, rounded
    expect(crf(1)).toBe(51);
    expect(crf(120)).toBe(18);
  });

  it('caps the bitrate at 0.1 bit per pixel per frame: 2.8 Mbit/s for 720p30', () => {
    expect(rateControl(80, 1280, 720, 30).maxrateKbps).toBe(2765);
    expect(rateControl(80, 1280, 720, 10).maxrateKbps).toBe(922);
  });

  it('takes 30 fps for an unlimited rate, at most 60, and never less than 100 kbit/s', () => {
    expect(rateControl(80, 1280, 720, Number.POSITIVE_INFINITY).maxrateKbps).toBe(2765);
    expect(rateControl(80, 1280, 720, 0).maxrateKbps).toBe(2765);
    expect(rateControl(80, 1280, 720, 120).maxrateKbps).toBe(5530);
    expect(rateControl(80, 160, 120, 5).maxrateKbps).toBe(100);
  });
});
