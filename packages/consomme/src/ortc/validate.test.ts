import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  validateRtpCapabilities,
  validateRtpCodecCapability,
  validateRtpEncodingParameters,
  validateRtpParameters,
  validateSctpCapabilities,
  validateSctpStreamParameters,
} from './validate.js';

describe('validateRtpParameters', () => {
  it('fills mediasoup defaults in place and returns the same object', () => {
    const input = {
      codecs: [
        { mimeType: 'audio/opus', payloadType: 111, clockRate: 48000 },
        { mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, channels: 3, rtcpFeedback: [{ type: 'nack' }] },
      ],
      encodings: [{ ssrc: 1234 }],
    };
    const out = validateRtpParameters(input);
    assert.equal(out, input);
    assert.deepEqual(out, {
      codecs: [
        { mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 1, parameters: {}, rtcpFeedback: [] },
        // Video codecs carry no channels.
        { mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, parameters: {}, rtcpFeedback: [{ type: 'nack', parameter: '' }] },
      ],
      headerExtensions: [],
      encodings: [{ ssrc: 1234, dtx: false }],
      rtcp: { reducedSize: true },
    });
  });

  it('normalises header extensions and undefined fmtp values', () => {
    const out = validateRtpParameters({
      codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, parameters: { a: undefined, b: 1 } }],
      headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 1 }],
      rtcp: { cname: 'x', reducedSize: false },
    });
    assert.deepEqual(out.codecs[0]!.parameters, { a: '', b: 1 });
    assert.deepEqual(out.headerExtensions, [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 1, encrypt: false, parameters: {} }]);
    assert.deepEqual(out.rtcp, { cname: 'x', reducedSize: false });
  });

  // Table: [mutation applied to a valid object, field the error must name]
  const BAD: [(p: any) => void, RegExp][] = [
    [(p) => delete p.codecs, /rtpParameters\.codecs/],
    [(p) => (p.codecs[0].mimeType = 'opus'), /rtpParameters\.codecs\[0\]\.mimeType/],
    [(p) => (p.codecs[0].payloadType = 128), /rtpParameters\.codecs\[0\]\.payloadType/],
    [(p) => (p.codecs[0].payloadType = '100'), /rtpParameters\.codecs\[0\]\.payloadType/],
    [(p) => (p.codecs[0].clockRate = -1), /rtpParameters\.codecs\[0\]\.clockRate/],
    [(p) => (p.codecs[0].parameters = { x: {} }), /rtpParameters\.codecs\[0\]\.parameters\["x"\]/],
    [(p) => (p.codecs[1].parameters.apt = '96'), /rtpParameters\.codecs\[1\]\.parameters\.apt/],
    [(p) => (p.codecs[0].rtcpFeedback = [{}]), /rtpParameters\.codecs\[0\]\.rtcpFeedback\[0\]\.type/],
    [(p) => (p.headerExtensions = [{ uri: 'x', id: 0 }]), /rtpParameters\.headerExtensions\[0\]\.id/],
    [(p) => (p.headerExtensions = {}), /rtpParameters\.headerExtensions/],
    [(p) => (p.encodings = [{ ssrc: 2 ** 32 }]), /rtpParameters\.encodings\[0\]\.ssrc/],
    [(p) => (p.encodings = [{ rtx: {} }]), /rtpParameters\.encodings\[0\]\.rtx\.ssrc/],
    [(p) => (p.encodings = [{ rid: 5 }]), /rtpParameters\.encodings\[0\]\.rid/],
    [(p) => (p.encodings = [{ dtx: 'yes' }]), /rtpParameters\.encodings\[0\]\.dtx/],
    [(p) => (p.encodings = [{ priority: 'urgent' }]), /rtpParameters\.encodings\[0\]\.priority/],
    [(p) => (p.rtcp = 'x'), /rtpParameters\.rtcp/],
    [(p) => (p.rtcp = { cname: 1 }), /rtpParameters\.rtcp\.cname/],
    [(p) => (p.mid = 7), /rtpParameters\.mid/],
  ];
  for (const [mutate, field] of BAD) {
    it(`TypeError naming ${field.source}`, () => {
      const params = {
        codecs: [
          { mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 },
          { mimeType: 'video/rtx', payloadType: 97, clockRate: 90000, parameters: { apt: 96 } },
        ],
      };
      mutate(params);
      assert.throws(() => validateRtpParameters(params), (err: unknown) => err instanceof TypeError && field.test(err.message));
    });
  }
});

describe('validateRtpCapabilities', () => {
  it('defaults arrays, direction and preferredEncrypt; kind follows mimeType', () => {
    const caps = validateRtpCapabilities({
      codecs: [{ kind: 'audio', mimeType: 'video/VP8', clockRate: 90000 }],
      headerExtensions: [{ kind: 'video', uri: 'urn:3gpp:video-orientation', preferredId: 11 }],
    });
    assert.equal(caps.codecs![0]!.kind, 'video');
    assert.deepEqual(caps.headerExtensions![0], {
      kind: 'video',
      uri: 'urn:3gpp:video-orientation',
      preferredId: 11,
      preferredEncrypt: false,
      direction: 'sendrecv',
    });
    assert.deepEqual(validateRtpCapabilities({}), { codecs: [], headerExtensions: [] });
  });

  it('rejects bad kinds, directions and non-objects', () => {
    assert.throws(() => validateRtpCapabilities(null), /rtpCapabilities: not an object/);
    assert.throws(
      () => validateRtpCapabilities({ headerExtensions: [{ kind: 'data', uri: 'x', preferredId: 1 }] }),
      /headerExtensions\[0\]\.kind/,
    );
    assert.throws(
      () => validateRtpCapabilities({ headerExtensions: [{ kind: 'audio', uri: 'x', preferredId: 1, direction: 'up' }] }),
      /headerExtensions\[0\]\.direction/,
    );
    assert.throws(() => validateRtpCodecCapability({ mimeType: 'audio/opus', clockRate: 48000, preferredPayloadType: 200 }), /preferredPayloadType/);
  });
});

describe('validateRtpEncodingParameters', () => {
  it('keeps known fields and drops explicit undefined ones', () => {
    const enc = validateRtpEncodingParameters({ rid: 'h', maxBitrate: 900000, scalabilityMode: 'L1T3', ssrc: undefined });
    assert.deepEqual(enc, { rid: 'h', maxBitrate: 900000, scalabilityMode: 'L1T3', dtx: false });
  });
});

describe('SCTP validation', () => {
  it('ordered defaults to true, and to false with a partial-reliability limit', () => {
    assert.deepEqual(validateSctpStreamParameters({ streamId: 1 }), { streamId: 1, ordered: true });
    assert.deepEqual(validateSctpStreamParameters({ streamId: 2, maxRetransmits: 3 }), { streamId: 2, ordered: false, maxRetransmits: 3 });
    // A limit of 0 counts as unset, as in mediasoup.
    assert.deepEqual(validateSctpStreamParameters({ streamId: 3, ordered: true, maxRetransmits: 0 }), {
      streamId: 3,
      ordered: true,
      maxRetransmits: 0,
    });
  });

  it('rejects contradictions and bad ids', () => {
    assert.throws(() => validateSctpStreamParameters({ streamId: 1, maxRetransmits: 1, maxPacketLifeTime: 1 }), TypeError);
    assert.throws(() => validateSctpStreamParameters({ streamId: 1, ordered: true, maxPacketLifeTime: 100 }), /ordered/);
    assert.throws(() => validateSctpStreamParameters({ streamId: 65535 }), /streamId/);
    assert.throws(() => validateSctpStreamParameters({}), /sctpStreamParameters\.streamId/);
    assert.deepEqual(validateSctpCapabilities({ numStreams: { OS: 1024, MIS: 1024 } }), { numStreams: { OS: 1024, MIS: 1024 } });
    assert.throws(() => validateSctpCapabilities({ numStreams: { OS: 0, MIS: 1 } }), /numStreams\.OS/);
  });
});

describe('validator fuzz', () => {
  // Valid-looking parameters with some fields replaced by arbitrary JSON.
  const jsonish = fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.integer({ min: -5, max: 300 }),
    fc.constantFrom('', 'x', 'audio/opus', 'video/rtx', 'video/VP8', 'L1T3'),
    fc.boolean(),
    fc.constant({}),
    fc.constant([]),
  );
  const codec = fc.record(
    {
      mimeType: fc.oneof(fc.constantFrom('audio/opus', 'video/VP8', 'video/rtx'), jsonish),
      payloadType: fc.oneof(fc.integer({ min: 0, max: 127 }), jsonish),
      clockRate: fc.oneof(fc.constantFrom(48000, 90000), jsonish),
      channels: jsonish,
      parameters: fc.oneof(fc.dictionary(fc.constantFrom('apt', 'profile-id', 'x'), jsonish, { maxKeys: 2 }), jsonish),
      rtcpFeedback: fc.oneof(fc.array(fc.record({ type: jsonish, parameter: jsonish }, { requiredKeys: [] }), { maxLength: 2 }), jsonish),
    },
    { requiredKeys: [] },
  );
  const params = fc.record(
    {
      mid: jsonish,
      codecs: fc.oneof(fc.array(codec, { maxLength: 3 }), jsonish),
      headerExtensions: fc.oneof(fc.array(fc.record({ uri: jsonish, id: jsonish, encrypt: jsonish }, { requiredKeys: [] }), { maxLength: 2 }), jsonish),
      encodings: fc.oneof(
        fc.array(fc.record({ ssrc: jsonish, rid: jsonish, rtx: fc.oneof(fc.record({ ssrc: jsonish }), jsonish), dtx: jsonish }, { requiredKeys: [] }), {
          maxLength: 2,
        }),
        jsonish,
      ),
      rtcp: fc.oneof(fc.record({ cname: jsonish, reducedSize: jsonish }, { requiredKeys: [] }), jsonish),
    },
    { requiredKeys: [] },
  );

  it('only TypeError escapes, and validating the output again changes nothing', () => {
    fc.assert(
      fc.property(params, (input) => {
        let out: unknown;
        try {
          out = validateRtpParameters(input);
        } catch (err) {
          if (!(err instanceof TypeError)) throw err;
          return;
        }
        const again = structuredClone(out);
        validateRtpParameters(again);
        assert.deepEqual(again, structuredClone(out));
      }),
      { numRuns: 100_000 },
    );
  });
});
